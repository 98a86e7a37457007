using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;

namespace DKV.Benchmarks.Serializers;

/// <summary>
/// Adds the encoded-size column to the serializer benchmarks, and the minimum and median: on a shared machine the mean
/// follows the other processes' load, while the fastest iteration stays close to the code's own cost.
/// </summary>
public sealed class SerializerBenchmarkConfig : ManualConfig
{
    public SerializerBenchmarkConfig()
    {
        AddColumn(new EncodedSizeColumn());
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
    }
}
