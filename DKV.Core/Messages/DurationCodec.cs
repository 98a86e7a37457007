using System.Diagnostics.CodeAnalysis;
using DKV.Core.Errors;

namespace DKV.Core.Messages;

/// <summary>
/// Durations on the wire are unsigned whole milliseconds. Shared by every serializer so they agree on rounding and limits.
/// </summary>
public static class DurationCodec
{
    /// <summary>The largest duration that survives a round trip: <see cref="TimeSpan.MaxValue"/> cut to whole milliseconds.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMilliseconds(TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMillisecond);

    private const ulong MaxWireMilliseconds = (ulong)(long.MaxValue / TimeSpan.TicksPerMillisecond);

    /// <summary>Whole milliseconds (sub-millisecond parts dropped). Negative durations are an invalid argument.</summary>
    public static ulong ToWire(TimeSpan duration)
    {
        long ticks = duration.Ticks;
        if (ticks < 0)
        {
            ThrowNegative(duration);
        }

        // Non-negative here, so the unsigned division (cheaper than the signed one) gives the same result.
        return (ulong)ticks / TimeSpan.TicksPerMillisecond;
    }

    /// <summary>The duration for <paramref name="milliseconds"/>; values past <see cref="MaxDuration"/> are malformed.</summary>
    public static TimeSpan FromWire(ulong milliseconds)
    {
        if (milliseconds > MaxWireMilliseconds)
        {
            ThrowTooLarge(milliseconds);
        }

        return new TimeSpan((long)milliseconds * TimeSpan.TicksPerMillisecond);
    }

    // The throws live in their own methods (the message formatting is large) so ToWire and FromWire stay small enough to inline.
    [DoesNotReturn]
    private static void ThrowNegative(TimeSpan duration) =>
        throw new DkvException(DkvErrorCode.InvalidArgument, $"duration {duration} is negative; TTLs and waits must be zero (none) or positive");

    [DoesNotReturn]
    private static void ThrowTooLarge(ulong milliseconds) =>
        throw new DkvException(
            DkvErrorCode.MalformedMessage,
            $"duration of {milliseconds} ms is larger than the largest supported ({MaxDuration.TotalMilliseconds} ms)");
}
