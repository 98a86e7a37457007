namespace DKV.LoadTest;

/// <summary>What one measured phase produced: completed operations, failures, and latencies in stopwatch ticks.</summary>
internal sealed record PhaseResult(string Operation, long Completed, long Errors, TimeSpan Elapsed, long[] LatencyTicks, string? FirstError, long AllocatedBytes)
{
    /// <summary>Bytes allocated by the whole process per completed operation (client and, when self-hosted, server).</summary>
    public double AllocatedBytesPerOp => Completed == 0 ? double.NaN : (double)AllocatedBytes / Completed;

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
