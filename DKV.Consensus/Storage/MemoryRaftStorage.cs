using DKV.Consensus.Raft;

namespace DKV.Consensus.Storage;

/// <summary>
/// An in-memory <see cref="IRaftLogReader"/> that also accepts the writes a <see cref="Ready"/> asks for. Used by tests, the
/// simulator and benchmarks; "durable" here means "written to this object". Not thread-safe.
/// </summary>
/// <remarks>Entries handed out by <see cref="Entries"/> are never overwritten: truncation and compaction copy into new arrays.</remarks>
public sealed class MemoryRaftStorage : IRaftLogReader
{
    private LogEntry[] _entries = new LogEntry[64];
    private int _count;
    private ulong _offsetIndex; // index of the entry just before _entries[0] (compacted or snapshot)
    private ulong _offsetTerm;
    private long _logBytes;

    /// <inheritdoc/>
    public HardState HardState { get; private set; }

    /// <inheritdoc/>
    public RaftSnapshot? Snapshot { get; private set; }

    /// <summary>
    /// The total <see cref="LogEntry.SizeBytes"/> of the stored entries (for status). Safe to read from any thread; it may lag
    /// a concurrent write by that write.
    /// </summary>
    public long LogBytes => Volatile.Read(ref _logBytes);

    /// <inheritdoc/>
    public ulong FirstIndex => _offsetIndex + 1;

    /// <inheritdoc/>
    public ulong LastIndex => _offsetIndex + (ulong)_count;

    /// <inheritdoc/>
    public bool TryGetTerm(ulong index, out ulong term)
    {
        if (index == _offsetIndex)
        {
            term = _offsetTerm;
            return true;
        }

        if (index < _offsetIndex || index > LastIndex)
        {
            term = 0;
            return false;
        }

        term = _entries[index - _offsetIndex - 1].Term;
        return true;
    }

    /// <inheritdoc/>
    public ReadOnlyMemory<LogEntry> Entries(ulong low, ulong high, long maxBytes)
    {
        if (low < FirstIndex || high > LastIndex + 1 || low > high)
        {
            throw new ArgumentOutOfRangeException(nameof(low), $"entries [{low}, {high}) are outside the stored log [{FirstIndex}, {LastIndex}]");
        }

        int start = (int)(low - FirstIndex);
        int count = (int)(high - low);
        long bytes = 0;
        int taken = 0;
        while (taken < count)
        {
            bytes += _entries[start + taken].SizeBytes;
            if (taken > 0 && bytes > maxBytes)
            {
                break;
            }

            taken++;
        }

        return new ReadOnlyMemory<LogEntry>(_entries, start, taken);
    }

    /// <summary>Persists a hard state.</summary>
    public void SetHardState(HardState state) => HardState = state;

    /// <summary>
    /// Appends entries; an entry at an index already stored replaces it and everything after it. Throws when the entries would leave
    /// a gap or reach behind the compacted prefix.
    /// </summary>
    public void Append(ReadOnlySpan<LogEntry> entries)
    {
        if (entries.IsEmpty)
        {
            return;
        }

        ulong first = entries[0].Index;
        if (first <= _offsetIndex || first > LastIndex + 1)
        {
            throw new RaftSafetyException($"append at index {first} does not fit the stored log [{FirstIndex}, {LastIndex}]");
        }

        int keep = (int)(first - FirstIndex);
        long bytes = _logBytes - SizeOf(keep, _count - keep);
        foreach (LogEntry entry in entries)
        {
            bytes += entry.SizeBytes;
        }

        if (keep < _count)
        {
            // Truncation: copy so that memory handed out earlier keeps its old entries.
            var fresh = new LogEntry[Math.Max(64, (keep + entries.Length) * 2)];
            Array.Copy(_entries, fresh, keep);
            _entries = fresh;
        }
        else if (keep + entries.Length > _entries.Length)
        {
            var grown = new LogEntry[Math.Max(_entries.Length * 2, keep + entries.Length)];
            Array.Copy(_entries, grown, keep);
            _entries = grown;
        }

        entries.CopyTo(_entries.AsSpan(keep));
        _count = keep + entries.Length;
        Volatile.Write(ref _logBytes, bytes);
    }

    /// <summary>Persists a snapshot received from the leader: the whole log up to and including its index is replaced by it.</summary>
    public void ApplySnapshot(RaftSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (Snapshot is not null && snapshot.Metadata.Index <= Snapshot.Metadata.Index)
        {
            throw new RaftSafetyException($"snapshot at index {snapshot.Metadata.Index} is not newer than the stored one at {Snapshot.Metadata.Index}");
        }

        Snapshot = snapshot;
        _offsetIndex = snapshot.Metadata.Index;
        _offsetTerm = snapshot.Metadata.Term;
        _entries = new LogEntry[64];
        _count = 0;
        Volatile.Write(ref _logBytes, 0);
    }

    /// <summary>Persists an application snapshot and drops the log before <see cref="CompactionPlan.FirstIndexToKeep"/>.</summary>
    public void Compact(CompactionPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ulong snapIndex = plan.Snapshot.Metadata.Index;
        if (snapIndex > LastIndex || plan.FirstIndexToKeep > snapIndex + 1)
        {
            throw new RaftSafetyException($"compaction to {plan.FirstIndexToKeep} with snapshot at {snapIndex} does not fit the stored log [{FirstIndex}, {LastIndex}]");
        }

        if (Snapshot is null || snapIndex > Snapshot.Metadata.Index)
        {
            Snapshot = plan.Snapshot;
        }

        if (plan.FirstIndexToKeep <= FirstIndex)
        {
            return;
        }

        ulong newOffset = plan.FirstIndexToKeep - 1;
        TryGetTerm(newOffset, out ulong newOffsetTerm);
        int drop = (int)(newOffset - _offsetIndex);
        Volatile.Write(ref _logBytes, _logBytes - SizeOf(0, drop));
        // Keep the capacity: a log that is compacted regularly then stops growing (and reallocating) after its first cycle.
        var fresh = new LogEntry[Math.Max(_entries.Length, Math.Max(64, (_count - drop) * 2))];
        Array.Copy(_entries, drop, fresh, 0, _count - drop);
        _entries = fresh;
        _count -= drop;
        _offsetIndex = newOffset;
        _offsetTerm = newOffsetTerm;
    }

    /// <summary>
    /// Replaces the whole content (used when rebuilding after a restart): the snapshot, the entry just before the first kept entry
    /// (<paramref name="offsetIndex"/>, <paramref name="offsetTerm"/>) and the kept entries, which must follow it consecutively.
    /// </summary>
    internal void Reset(RaftSnapshot? snapshot, ulong offsetIndex, ulong offsetTerm, ReadOnlySpan<LogEntry> entries)
    {
        for (int i = 0; i < entries.Length; i++)
        {
            if (entries[i].Index != offsetIndex + 1 + (ulong)i)
            {
                throw new RaftSafetyException($"restored entry {entries[i].Index} does not follow index {offsetIndex + (ulong)i}");
            }
        }

        Snapshot = snapshot;
        _offsetIndex = offsetIndex;
        _offsetTerm = offsetTerm;
        _entries = new LogEntry[Math.Max(64, entries.Length * 2)];
        entries.CopyTo(_entries);
        _count = entries.Length;
        Volatile.Write(ref _logBytes, SizeOf(0, _count));
    }

    /// <summary>Writes everything <paramref name="ready"/> asks to persist, in the required order (snapshot, entries, hard state).</summary>
    public void Persist(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (ready.Snapshot is not null)
        {
            ApplySnapshot(ready.Snapshot);
        }

        Append(ready.Entries.Span);
        if (ready.HardState is { } hardState)
        {
            SetHardState(hardState);
        }
    }

    private long SizeOf(int start, int count)
    {
        long bytes = 0;
        for (int i = start; i < start + count; i++)
        {
            bytes += _entries[i].SizeBytes;
        }

        return bytes;
    }
}
