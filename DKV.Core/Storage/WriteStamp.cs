namespace DKV.Core.Storage;

/// <summary>
/// Orders one write and fixes its time. <see cref="Index"/> is the write index (strictly increasing per store; for
/// Raft stores the log index); <see cref="TimeUtcTicks"/> is the instant the write was ordered, in UTC
/// <see cref="DateTime.Ticks"/>: lstore takes it from its <see cref="TimeProvider"/>, dstore from the timestamp the leader put
/// in the log entry, so every replica computes the same deadlines.
/// </summary>
public readonly record struct WriteStamp(ulong Index, long TimeUtcTicks)
{
    /// <summary>The absolute deadline <paramref name="after"/> from this write, or 0 (no deadline) when it is zero.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The duration is negative.</exception>
    public long DeadlineAfter(TimeSpan after)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(after, TimeSpan.Zero);
        if (after == TimeSpan.Zero)
        {
            return 0;
        }

        long max = DateTime.MaxValue.Ticks;
        return after.Ticks > max - TimeUtcTicks ? max : TimeUtcTicks + after.Ticks;
    }
}
