using System.Collections.Concurrent;

namespace DKV.Engines.Maple;

/// <summary>
/// One slice of the key space. Readers use the shared dictionary without locking; writers, the collector and snapshots hold
/// <see cref="Gate"/>, so per shard every change (dictionary entry, counters, deadline queue) happens as one step.
/// </summary>
internal sealed class Shard
{
    private readonly ConcurrentDictionary<string, Entry> _map;
    private long _count;
    private long _bytes;

    public Shard(ConcurrentDictionary<string, Entry> map)
    {
        _map = map;
    }

    /// <summary>Serializes every change to this shard's keys. Readers never take it.</summary>
    public Lock Gate { get; } = new();

    /// <summary>Keys with a pending deadline, earliest first. Guarded by <see cref="Gate"/>.</summary>
    public DeadlineHeap Deadlines { get; } = new();

    /// <summary>Set (under <see cref="Gate"/>) when a Load or Dispose replaced this shard; writers that find it set start over.</summary>
    public bool Retired { get; set; }

    public long Count => Volatile.Read(ref _count);

    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>The deadline queue length, read without the lock (an estimate for operators).</summary>
    public int Backlog => Deadlines.Count;

    /// <summary>The current entry of one of this shard's keys. Caller holds <see cref="Gate"/> when it means to write.</summary>
    public bool TryGet(string key, out Entry entry) => _map.TryGetValue(key, out entry);

    /// <summary>Stores <paramref name="next"/> for the key, which currently holds <paramref name="current"/> when <paramref name="exists"/>. Caller holds <see cref="Gate"/>.</summary>
    public void Replace(string key, bool exists, in Entry current, in Entry next)
    {
        _map[key] = next;
        long delta = Entry.SizeOf(key, next);
        if (exists)
        {
            delta -= Entry.SizeOf(key, current);
        }
        else
        {
            Volatile.Write(ref _count, _count + 1);
        }

        Volatile.Write(ref _bytes, _bytes + delta);
        TrackDeadline(key, exists, current, next);
    }

    /// <summary>Removes the key, whose current entry is <paramref name="current"/>. Caller holds <see cref="Gate"/>.</summary>
    public void Remove(string key, in Entry current)
    {
        if (!_map.TryRemove(key, out Entry removed) || !removed.Equals(current))
        {
            throw new InvalidOperationException($"maple shard invariant broken: key '{key}' changed outside the shard lock");
        }

        Volatile.Write(ref _count, _count - 1);
        Volatile.Write(ref _bytes, _bytes - Entry.SizeOf(key, current));
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
        while (handled < budget && Deadlines.TryPeek(out string? key, out long deadline) && deadline <= nowUtcTicks)
        {
            if (!_map.TryGetValue(key, out Entry current))
            {
                throw new InvalidOperationException($"maple shard invariant broken: key '{key}' is queued for collection but absent");
            }

            if (current.IsDeletedAt(nowUtcTicks))
            {
                Remove(key, current);
            }
            else if (current.IsExpiredAt(nowUtcTicks) && !current.Value.IsEmpty)
            {
                Replace(key, exists: true, current, current.WithoutValue());
            }
            else
            {
                throw new InvalidOperationException($"maple shard invariant broken: key '{key}' is queued at {deadline} but has nothing due");
            }

            handled++;
        }

        return handled;
    }

    /// <summary>Adds an entry loaded from a snapshot to a state nobody else sees yet. Returns false when the key is a duplicate.</summary>
    public bool TryAddLoaded(string key, in Entry entry)
    {
        if (!_map.TryAdd(key, entry))
        {
            return false;
        }

        _count++;
        _bytes += Entry.SizeOf(key, entry);
        TrackDeadline(key, exists: false, default, entry);
        return true;
    }

    private void TrackDeadline(string key, bool exists, in Entry current, in Entry next)
    {
        long nextDeadline = next.NextCollectAtUtcTicks;
        if (nextDeadline != Entry.NoDeadline)
        {
            Deadlines.Set(key, nextDeadline);
        }
        else if (exists && current.NextCollectAtUtcTicks != Entry.NoDeadline)
        {
            Deadlines.Remove(key);
        }
    }
}
