namespace DKV.LoadTest;

/// <summary>What one measured phase produced: completed operations, failures, and latencies in stopwatch ticks.</summary>
internal sealed record PhaseResult(string Operation, long Completed, long Errors, TimeSpan Elapsed, long[] LatencyTicks, string? FirstError)
{
    public double OpsPerSecond => Completed / Elapsed.TotalSeconds;

    /// <summary>The latency at quantile <paramref name="q"/> (0..1) in microseconds; latencies must be sorted.</summary>
    public double PercentileMicros(double q)
    {
        if (LatencyTicks.Length == 0)
        {
            return double.NaN;
        }

        int at = Math.Clamp((int)Math.Ceiling(q * LatencyTicks.Length) - 1, 0, LatencyTicks.Length - 1);
        return LatencyTicks[at] * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency;
    }
}
