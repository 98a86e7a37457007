namespace DKV.Consensus.Raft;

/// <summary>
/// The append messages sent to one follower in replicate state and not yet acknowledged, as a bounded ring of their last indexes.
/// </summary>
internal sealed class Inflights
{
    private readonly ulong[] _lastIndexes;
    private int _start;

    public Inflights(int capacity)
    {
        _lastIndexes = new ulong[capacity];
    }

    public int Count { get; private set; }

    public bool IsFull => Count == _lastIndexes.Length;

    public void Add(ulong lastIndex)
    {
        if (IsFull)
        {
            throw new RaftSafetyException($"in-flight window of {_lastIndexes.Length} messages is full; the caller must check IsFull first");
        }

        _lastIndexes[(_start + Count) % _lastIndexes.Length] = lastIndex;
        Count++;
    }

    /// <summary>Frees every message whose last index is at or below <paramref name="index"/> (acknowledged).</summary>
    public void FreeTo(ulong index)
    {
        while (Count > 0 && _lastIndexes[_start] <= index)
        {
            _start = (_start + 1) % _lastIndexes.Length;
            Count--;
        }
    }

    public void Reset()
    {
        _start = 0;
        Count = 0;
    }
}
