namespace DKV.Core.Stores;

/// <summary>
/// UTC ticks from a <see cref="TimeProvider"/>, clamped so they never move backwards: once a read has seen a key expire, a later
/// read (after the wall clock stepped back) cannot see it alive again. Thread-safe.
/// </summary>
public sealed class MonotonicUtcClock
{
    private readonly TimeProvider _time;
    private long _lastUtcTicks;

    public MonotonicUtcClock(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>The later of the provider's UTC now and the latest value returned before.</summary>
    public long NowUtcTicks()
    {
        long now = _time.GetUtcNow().UtcTicks;
        long last = Volatile.Read(ref _lastUtcTicks);
        while (now > last)
        {
            long seen = Interlocked.CompareExchange(ref _lastUtcTicks, now, last);
            if (seen == last)
            {
                return now;
            }

            last = seen;
        }

        return last;
    }
}
