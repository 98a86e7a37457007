using DKV.Core.Errors;

namespace DKV.Core.Messages;

/// <summary>
/// Durations on the wire are unsigned whole milliseconds. Shared by every serializer so they agree on rounding and limits.
/// </summary>
public static class DurationCodec
{
    /// <summary>The largest duration that survives a round trip: <see cref="TimeSpan.MaxValue"/> cut to whole milliseconds.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMilliseconds(TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMillisecond);

    /// <summary>Whole milliseconds (sub-millisecond parts dropped). Negative durations are an invalid argument.</summary>
    public static ulong ToWire(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"duration {duration} is negative; TTLs and waits must be zero (none) or positive");
        }

        return (ulong)(duration.Ticks / TimeSpan.TicksPerMillisecond);
    }

    /// <summary>The duration for <paramref name="milliseconds"/>; values past <see cref="MaxDuration"/> are malformed.</summary>
    public static TimeSpan FromWire(ulong milliseconds)
    {
        if (milliseconds > (ulong)(TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMillisecond))
        {
            throw new DkvException(DkvErrorCode.MalformedMessage, $"duration of {milliseconds} ms is larger than the largest supported ({MaxDuration.TotalMilliseconds} ms)");
        }

        return TimeSpan.FromTicks((long)milliseconds * TimeSpan.TicksPerMillisecond);
    }
}
