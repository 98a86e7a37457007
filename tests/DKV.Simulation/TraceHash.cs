namespace DKV.Simulation;

/// <summary>A rolling 64-bit hash of every event of a run: equal hashes mean (with overwhelming likelihood) identical runs.</summary>
public sealed class TraceHash
{
    /// <summary>The hash so far.</summary>
    public ulong Value { get; private set; } = 14695981039346656037UL;

    /// <summary>Events mixed in so far.</summary>
    public long Count { get; private set; }

    /// <summary>Mixes in one value.</summary>
    public void Add(ulong value)
    {
        ulong h = (Value ^ value) * 0x100000001B3UL;
        Value = h ^ (h >> 31);
    }

    /// <summary>Mixes in one event's fields.</summary>
    public void AddEvent(long time, int kind, int target, ulong detail)
    {
        Count++;
        Add((ulong)time);
        Add(((ulong)(uint)kind << 32) | (uint)target);
        Add(detail);
    }
}
