namespace DKV.Cli.Perf;

/// <summary>What one worker measured: its own histogram (merged later), counts, and the time spent inside timed operations.</summary>
internal sealed class WorkerTally
{
    public LatencyHistogram Latency { get; } = new();

    public long Ops { get; set; }

    public long Errors { get; set; }

    /// <summary>Stopwatch ticks spent inside measured operations.</summary>
    public long BusyTicks { get; set; }

    public string? FirstError { get; set; }
}
