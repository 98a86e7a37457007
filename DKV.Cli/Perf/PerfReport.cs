using System.Globalization;
using System.Text;

namespace DKV.Cli.Perf;

/// <summary>The result table (one row per benchmark) and the CSV with its fixed column order.</summary>
public static class PerfReport
{
    /// <summary>The CSV header; the columns never change order.</summary>
    public const string CsvHeader = "benchmark,ops_per_sec,p50_us,p90_us,p99_us,p999_us,max_us,errors,ops,value_size,transport,serializer,shard,shard_type,connections,threads,endpoints";

    public static string TableHeader { get; } =
        string.Create(CultureInfo.InvariantCulture, $"{"benchmark",-12}{"ops/s",12}{"p50 us",10}{"p90 us",10}{"p99 us",10}{"p99.9 us",10}{"max us",10}{"errors",8}");

    /// <summary>One table row.</summary>
    public static string Row(PerfResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(CultureInfo.InvariantCulture,
            $"{result.Benchmark,-12}{result.OpsPerSecond,12:F0}{result.Micros(50),10:F1}{result.Micros(90),10:F1}{result.Micros(99),10:F1}{result.Micros(99.9),10:F1}{result.MaxMicros,10:F1}{result.Errors,8}");
    }

    /// <summary>The row of a skipped benchmark.</summary>
    public static string Skipped(string benchmark) => $"{benchmark,-12}skipped";

    /// <summary>Writes the CSV (header and one line per measured benchmark) to <paramref name="path"/>, replacing it.</summary>
    public static async Task WriteCsvAsync(string path, IEnumerable<PerfResult> results, PerfOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(options);
        var text = new StringBuilder().Append(CsvHeader).Append('\n');
        foreach (var r in results)
        {
            int valueSize = r.Benchmark == "set-large" ? options.LargeValueBytes : options.ValueBytes;
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{r.Benchmark},{r.OpsPerSecond:F1},{r.Micros(50):F1},{r.Micros(90):F1},{r.Micros(99):F1},{r.Micros(99.9):F1},{r.MaxMicros:F1},{r.Errors},{r.Ops},{valueSize},"))
                .Append(Field(options.Transport)).Append(',').Append(Field(options.Serializer)).Append(',')
                .Append(options.Shard.ToString(CultureInfo.InvariantCulture)).Append(',').Append(Field(options.ShardTypeLabel)).Append(',')
                .Append(string.Create(CultureInfo.InvariantCulture, $"{options.ConnectionsPerEndpoint},{options.ThreadCount},"))
                .Append(Field(string.Join(';', options.Endpoints))).Append('\n');
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllTextAsync(path, text.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A CSV field, quoted when it holds a comma, quote or line break.</summary>
    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
