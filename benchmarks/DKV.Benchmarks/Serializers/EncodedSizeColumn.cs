using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace DKV.Benchmarks.Serializers;

/// <summary>A summary column with the encoded message size in bytes for the row's serializer and case.</summary>
public sealed class EncodedSizeColumn : IColumn
{
    public string Id => nameof(EncodedSizeColumn);

    public string ColumnName => "Encoded B";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Size;

    public string Legend => "Encoded message size in bytes";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        if (benchmarkCase.Parameters["Serializer"] is not string serializer
            || benchmarkCase.Parameters["Case"] is not SerializerBenchmarkCase messageCase)
        {
            return "-";
        }

        return SerializerBenchmarks.EncodedSize(serializer, messageCase).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
