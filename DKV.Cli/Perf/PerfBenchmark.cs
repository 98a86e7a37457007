namespace DKV.Cli.Perf;

/// <summary>What one benchmark's timed operation is.</summary>
public enum PerfOperation
{
    Set,
    SetLarge,
    Get,
    Delete,
    Has,
    HasNot,
    Mixed,
}

/// <summary>
/// One of upstream's benchmarks: its name, key prefix, the operation timed, and whether its keys are set before it runs
/// (and deleted after). Keys are <c>&lt;prefix&gt;&lt;i&gt;</c> for i below <c>--keys</c>.
/// </summary>
public sealed record PerfBenchmark(string Name, string KeyPrefix, PerfOperation Operation, bool Populate)
{
    /// <summary>Every benchmark, in upstream's order.</summary>
    public static IReadOnlyList<PerfBenchmark> All { get; } =
    [
        new("set", "__test-set-", PerfOperation.Set, Populate: false),
        new("set-large", "__test-set-large-", PerfOperation.SetLarge, Populate: false),
        new("get", "__test-get-", PerfOperation.Get, Populate: true),
        new("delete", "__test-delete-", PerfOperation.Delete, Populate: false),
        new("has", "__test-has-", PerfOperation.Has, Populate: true),
        new("has-not", "__test/has-not-", PerfOperation.HasNot, Populate: false),
        new("mixed", "__test-mixed-", PerfOperation.Mixed, Populate: true),
    ];
}
