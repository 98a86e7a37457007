using System.Collections.Concurrent;

namespace DKV.Engines.Maple;

/// <summary>
/// One slice of the key space. Readers use <see cref="Map"/> without locking; writers, the collector and snapshots hold
/// <see cref="Gate"/>, so per shard every change (dictionary, counters, deadline queue) happens as one step.
/// </summary>
internal sealed class Shard
{
    private long _count;
    private long _bytes;

    public Shard()
    {
        // Writers are already serialized by Gate, so the dictionary needs only one internal lock.
        Map = new ConcurrentDictionary<ShardKey, Entry>(concurrencyLevel: 1, capacity: 0);
    }

    /// <summary>Serializes every change to this shard. Readers never take it.</summary>
    public Lock Gate { get; } = new();

    public ConcurrentDictionary<ShardKey, Entry> Map { get; }

    /// <summary>Keys with a pending deadline, earliest first. Guarded by <see cref="Gate"/>.</summary>
    public DeadlineHeap Deadlines { get; } = new();

    /// <summary>Set (under <see cref="Gate"/>) when a Load or Dispose replaced this shard; writers that find it set start over.</summary>
    public bool Retired { get; set; }

    public long Count => Volatile.Read(ref _count);

    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>The deadline queue length, read without the lock (an estimate for operators).</summary>
    public int Backlog => Deadlines.Count;

    /// <summary>Stores <paramref name="next"/> in place of <paramref name="current"/> (null when the key is new). Caller holds <see cref="Gate"/>.</summary>
    public void Replace(ShardKey key, Entry? current, Entry next)
    {
        Map[key] = next;
        long delta = Entry.SizeOf(key.Key, next);
        if (current is null)
        {
            Volatile.Write(ref _count, _count + 1);
        }
        else
        {
            delta -= Entry.SizeOf(key.Key, current);
        }

        Volatile.Write(ref _bytes, _bytes + delta);
        TrackDeadline(key, current, next);
    }

    /// <summary>Removes the key, whose current entry is <paramref name="current"/>. Caller holds <see cref="Gate"/>.</summary>
    public void Remove(ShardKey key, Entry current)
    {
        if (!Map.TryRemove(key, out Entry? removed) || !ReferenceEquals(removed, current))
        {
            throw new InvalidOperationException($"maple shard invariant broken: key '{key.Key}' changed outside the shard lock");
        }

        Volatile.Write(ref _count, _count - 1);
        Volatile.Write(ref _bytes, _bytes - Entry.SizeOf(key.Key, current));
        if (current.NextCollectAtUtcTicks != Entry.NoDeadline)
        {
            Deadlines.Remove(key);
        }
    }

    /// <summary>
    /// Frees or removes entries whose deadline is at or before <paramref name="nowUtcTicks"/>, at most <paramref name="budget"/> of them.
    /// Caller holds <see cref="Gate"/>. Returns how many entries it handled.
    /// </summary>
    public int CollectDue(long nowUtcTicks, int budget)
    {
        int handled = 0;
        while (handled < budget && Deadlines.TryPeek(out ShardKey key, out long deadline) && deadline <= nowUtcTicks)
        {
            if (!Map.TryGetValue(key, out Entry? current))
            {
                throw new InvalidOperationException($"maple shard invariant broken: key '{key.Key}' is queued for collection but absent");
            }

            if (current.IsDeletedAt(nowUtcTicks))
            {
                Remove(key, current);
            }
            else if (current.IsExpiredAt(nowUtcTicks) && !current.Value.IsEmpty)
            {
                Replace(key, current, current.WithoutValue());
            }
            else
            {
                throw new InvalidOperationException($"maple shard invariant broken: key '{key.Key}' is queued at {deadline} but has nothing due");
            }

            handled++;
        }

        return handled;
    }

    /// <summary>Adds an entry loaded from a snapshot to a shard nobody else sees yet. Returns false when the key is a duplicate.</summary>
    public bool TryAddLoaded(ShardKey key, Entry entry)
    {
        if (!Map.TryAdd(key, entry))
        {
            return false;
        }

        _count++;
        _bytes += Entry.SizeOf(key.Key, entry);
        TrackDeadline(key, null, entry);
        return true;
    }

    private void TrackDeadline(ShardKey key, Entry? current, Entry next)
    {
        long nextDeadline = next.NextCollectAtUtcTicks;
        if (nextDeadline != Entry.NoDeadline)
        {
            Deadlines.Set(key, nextDeadline);
        }
        else if (current is not null && current.NextCollectAtUtcTicks != Entry.NoDeadline)
        {
            Deadlines.Remove(key);
        }
    }
}
