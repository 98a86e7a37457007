using System.Globalization;
using DKV.Cli.Commands;
using DKV.Host.Config;

namespace DKV.Cli.Perf;

/// <summary>The settings of one <c>dkv kv perf</c> run, parsed and range-checked (bad values are usage errors naming the flag).</summary>
public sealed record PerfOptions
{
    public const string Threads = "threads";
    public const string Skip = "skip";
    public const string ValueSize = "value-size";
    public const string LargeValueSize = "large-value-size";
    public const string Keys = "keys";
    public const string Csv = "csv";
    public const string SampleRate = "sample-rate";
    public const string Connections = "connections";
    public const string Duration = "duration";
    public const string Ops = "ops";
    public const string Warmup = "warmup";
    public const string Seed = "seed";
    public const string ShardType = "shard-type";

    /// <summary>The perf command's own flags.</summary>
    public static IReadOnlyList<SettingDefinition> Definitions { get; } =
    [
        new(Threads, "10", "Concurrent workers, each with one request in flight (upstream multiplied by the core count; this does not)"),
        new(Skip, "", "Comma-separated benchmarks to skip: set, set-large, get, delete, has, has-not, mixed"),
        new(ValueSize, "128", "Value size for every benchmark but set-large, in bytes (random bytes from --seed)"),
        new(LargeValueSize, "512", "Value size for set-large, in KB"),
        new(Keys, "100", "Keys per benchmark"),
        new(Csv, null, "Also write the results to this CSV file (fixed column order, see docs/cli.md)"),
        new(SampleRate, "100", "Accepted for compatibility with upstream and ignored: every operation is recorded in a full latency histogram"),
        new(Connections, null, "Connections per endpoint (same as --transport-conn-per-endpoint, which it overrides)"),
        new(Duration, "5s", "Measured time per benchmark (after the warm-up); ignored when --ops is given"),
        new(Ops, "0", "Measured operations per benchmark instead of a duration (0 = use --duration)"),
        new(Warmup, "1s", "Warm-up per benchmark, run but excluded from every figure (0 = none)"),
        new(Seed, "1", "Seed for the values, the workers' key offsets and the mixed benchmark's choices"),
        new(ShardType, "lstore", "Label written to the CSV shard_type column (the client cannot see the server's shard type)"),
    ];

    public required int ThreadCount { get; init; }

    public required IReadOnlySet<string> Skipped { get; init; }

    public required int ValueBytes { get; init; }

    public required int LargeValueBytes { get; init; }

    public required int KeyCount { get; init; }

    public string? CsvPath { get; init; }

    public required TimeSpan MeasureFor { get; init; }

    /// <summary>Measured operations per benchmark; 0 means measure for <see cref="MeasureFor"/>.</summary>
    public required long OpCount { get; init; }

    public required TimeSpan WarmupFor { get; init; }

    public required int RandomSeed { get; init; }

    public required string ShardTypeLabel { get; init; }

    public required string Transport { get; init; }

    public required string Serializer { get; init; }

    public required ulong Shard { get; init; }

    public required int ConnectionsPerEndpoint { get; init; }

    public required IReadOnlyList<string> Endpoints { get; init; }

    /// <summary>Reads and checks every setting; throws <see cref="ConfigException"/> naming a bad one.</summary>
    public static PerfOptions From(SettingsSources settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string transport = SettingParser.Text(settings.Get(ClientSettings.Transport));
        var skipped = (settings.Get(Skip).Value ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        foreach (string name in skipped.Where(n => !PerfBenchmark.All.Any(b => b.Name == n)))
        {
            throw new ConfigException($"invalid value '{name}' in --skip ({settings.Get(Skip).Origin}); expected benchmark names from: {string.Join(", ", PerfBenchmark.All.Select(b => b.Name))}");
        }

        _ = SettingParser.Integer(settings.Get(SampleRate), 0, int.MaxValue);
        var endpoints = settings.GetList(ClientSettings.Endpoints);
        var connections = settings.Get(Connections).Value is null ? settings.Get(ClientSettings.ConnectionsPerEndpoint) : settings.Get(Connections);
        return new PerfOptions
        {
            ThreadCount = (int)SettingParser.Integer(settings.Get(Threads), 1, 10_000),
            Skipped = skipped,
            ValueBytes = (int)SettingParser.Integer(settings.Get(ValueSize), 0, 64 * 1024 * 1024),
            LargeValueBytes = (int)SettingParser.Integer(settings.Get(LargeValueSize), 0, 64 * 1024) * 1024,
            KeyCount = (int)SettingParser.Integer(settings.Get(Keys), 1, 10_000_000),
            CsvPath = settings.Get(Csv).Value is { Length: > 0 } csv ? csv : null,
            MeasureFor = SettingParser.Duration(settings.Get(Duration), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1)),
            OpCount = SettingParser.Integer(settings.Get(Ops), 0, long.MaxValue),
            WarmupFor = SettingParser.Duration(settings.Get(Warmup), TimeSpan.FromSeconds(1), TimeSpan.Zero),
            RandomSeed = (int)SettingParser.Integer(settings.Get(Seed), int.MinValue, int.MaxValue),
            ShardTypeLabel = SettingParser.Text(settings.Get(ShardType)),
            Transport = transport,
            Serializer = SettingParser.Text(settings.Get(ClientSettings.Serializer)),
            Shard = (ulong)SettingParser.Integer(settings.Get(ClientSettings.Shard), 0, long.MaxValue),
            ConnectionsPerEndpoint = (int)SettingParser.Integer(connections, 1, 1024),
            Endpoints = endpoints.Origin == "default" ? [ClientSettings.DefaultEndpoint(transport) ?? "(none)"] : endpoints.Values,
        };
    }

    /// <summary>The configuration lines printed before the benchmarks.</summary>
    public IEnumerable<string> Describe()
    {
        var c = CultureInfo.InvariantCulture;
        yield return string.Create(c, $"  {"Endpoints",-22}: {string.Join(", ", Endpoints)} ({Transport}, serializer {Serializer}, shard {Shard})");
        yield return string.Create(c, $"  {"Connections",-22}: {ConnectionsPerEndpoint} per endpoint");
        yield return string.Create(c, $"  {"Threads",-22}: {ThreadCount}");
        yield return string.Create(c, $"  {"Measure",-22}: {(OpCount > 0 ? $"{OpCount} operations" : DurationText.Format(MeasureFor))} per benchmark after {DurationText.Format(WarmupFor)} warm-up");
        yield return string.Create(c, $"  {"Values",-22}: {ValueBytes} bytes (set-large {LargeValueBytes / 1024} KB), {KeyCount} keys, seed {RandomSeed}");
        yield return string.Create(c, $"  {"Latency",-22}: every operation recorded in a log-bucketed histogram (--sample-rate is ignored)");
    }
}
