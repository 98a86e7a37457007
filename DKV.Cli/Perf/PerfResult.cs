namespace DKV.Cli.Perf;

/// <summary>
/// One benchmark's figures: measured operations (warm-up excluded), operations per second, the latency histogram over every
/// measured operation (nanoseconds), and the operations that failed. <see cref="FirstError"/> is the first failure's message.
/// </summary>
public sealed record PerfResult(string Benchmark, long Ops, double OpsPerSecond, LatencyHistogram Latency, long Errors, string? FirstError)
{
    /// <summary>A latency percentile (0..100) in microseconds.</summary>
    public double Micros(double percentile) => Latency.ValueAtPercentile(percentile) / 1000.0;

    /// <summary>The largest latency in microseconds.</summary>
    public double MaxMicros => Latency.Max / 1000.0;
}
