using DKV.Consensus.Storage;

namespace DKV.Consensus.Raft;

/// <summary>
/// The log as the core sees it: the persisted part (read through <see cref="IRaftLogReader"/>) followed by the unstable part
/// (entries and possibly a snapshot handed out in a <see cref="Ready"/> but not yet acknowledged as durable).
/// </summary>
/// <remarks>
/// Unstable slots are never rewritten once handed out (messages and ready batches hold slices of them): truncation and growth
/// copy into a new array, and stabilised slots are skipped rather than reused.
/// </remarks>
internal sealed class RaftLog
{
    private readonly IRaftLogReader _storage;
    private LogEntry[] _unstable = new LogEntry[256];
    private int _unstableStart;
    private int _unstableCount;
    private ulong _unstableOffset; // index of the first unstable entry (always stable last index + 1)

    public RaftLog(IRaftLogReader storage, ulong applied)
    {
        _storage = storage;
        _unstableOffset = storage.LastIndex + 1;
        Committed = storage.HardState.Commit;
        if (Committed > storage.LastIndex)
        {
            throw new RaftSafetyException($"persisted commit index {Committed} is beyond the persisted last index {storage.LastIndex}: the log lost committed entries");
        }

        ulong floor = Math.Max(storage.FirstIndex - 1, storage.Snapshot?.Metadata.Index ?? 0);
        Applied = applied == 0 ? floor : applied;
        if (Applied > Committed && Applied > floor)
        {
            throw new RaftSafetyException($"applied index {Applied} is beyond the persisted commit index {Committed}");
        }

        Committed = Math.Max(Committed, Applied);
    }

    public ulong Committed { get; private set; }

    public ulong Applied { get; private set; }

    public RaftSnapshot? UnstableSnapshot { get; private set; }

    public ulong FirstIndex => UnstableSnapshot is { } s ? s.Metadata.Index + 1 : _storage.FirstIndex;

    public ulong LastIndex => _unstableCount > 0
        ? _unstableOffset + (ulong)_unstableCount - 1
        : UnstableSnapshot is { } s ? s.Metadata.Index : _storage.LastIndex;

    /// <summary>The last index that is durable (acknowledged through Advance); conservative while a snapshot is being persisted.</summary>
    public ulong StableLastIndex => UnstableSnapshot is not null ? 0 : _unstableOffset - 1;

    public ulong LastTerm => Term(LastIndex);

    public ReadOnlyMemory<LogEntry> UnstableEntries => new(_unstable, _unstableStart, _unstableCount);

    public bool HasNextCommittedEntries => UnstableSnapshot is null && Math.Min(Committed, StableLastIndex) > Applied;

    public bool TryGetTerm(ulong index, out ulong term)
    {
        if (UnstableSnapshot is { } snap)
        {
            if (index == snap.Metadata.Index)
            {
                term = snap.Metadata.Term;
                return true;
            }

            if (index < snap.Metadata.Index)
            {
                term = 0;
                return false;
            }
        }

        if (_unstableCount > 0 && index >= _unstableOffset)
        {
            if (index > LastIndex)
            {
                term = 0;
                return false;
            }

            term = _unstable[_unstableStart + (int)(index - _unstableOffset)].Term;
            return true;
        }

        if (UnstableSnapshot is not null)
        {
            term = 0;
            return false;
        }

        return _storage.TryGetTerm(index, out term);
    }

    /// <summary>The term of an applied (hence durable) entry as the storage holds it, ignoring a snapshot still being installed.</summary>
    public bool TryGetStoredTerm(ulong index, out ulong term) => _storage.TryGetTerm(index, out term);

    public ulong StoredFirstIndex => _storage.FirstIndex;

    /// <summary>The term at <paramref name="index"/>, or 0 when it is compacted or beyond the log.</summary>
    public ulong Term(ulong index) => TryGetTerm(index, out ulong term) ? term : 0;

    public bool MatchTerm(ulong index, ulong term) => TryGetTerm(index, out ulong t) && t == term;

    /// <summary>Raft paper section 5.4.1: is a log ending at (<paramref name="lastTerm"/>, <paramref name="lastIndex"/>) at least as up to date as ours?</summary>
    public bool IsUpToDate(ulong lastIndex, ulong lastTerm)
    {
        ulong ourTerm = LastTerm;
        return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= LastIndex);
    }

    /// <summary>
    /// The follower side of append: if our log matches at (<paramref name="prevTerm"/>, <paramref name="prevIndex"/>), replace any
    /// conflicting suffix with <paramref name="entries"/>, advance the commit and return the last index now known to match.
    /// </summary>
    public bool TryAppendAfter(ulong prevIndex, ulong prevTerm, ulong leaderCommit, ReadOnlyMemory<LogEntry> entries, out ulong lastNewIndex)
    {
        if (!MatchTerm(prevIndex, prevTerm))
        {
            lastNewIndex = 0;
            return false;
        }

        lastNewIndex = prevIndex + (ulong)entries.Length;
        ulong conflict = FindConflict(entries.Span);
        if (conflict != 0)
        {
            if (conflict <= Committed)
            {
                throw new RaftSafetyException($"entry {conflict} conflicts with the leader's log but is already committed (commit {Committed})");
            }

            Append(entries[(int)(conflict - prevIndex - 1)..]);
        }

        CommitTo(Math.Min(leaderCommit, lastNewIndex));
        return true;
    }

    /// <summary>The index of the first entry whose term differs from ours or that we lack; 0 when all match.</summary>
    private ulong FindConflict(ReadOnlySpan<LogEntry> entries)
    {
        foreach (ref readonly LogEntry entry in entries)
        {
            if (!MatchTerm(entry.Index, entry.Term))
            {
                return entry.Index;
            }
        }

        return 0;
    }

    /// <summary>The largest index at or below <paramref name="index"/> whose term is at most <paramref name="term"/>, with that term.</summary>
    public (ulong Index, ulong Term) FindConflictByTerm(ulong index, ulong term)
    {
        while (index > 0)
        {
            if (!TryGetTerm(index, out ulong t))
            {
                return (index, 0);
            }

            if (t <= term)
            {
                return (index, t);
            }

            index--;
        }

        return (0, 0);
    }

    /// <summary>Appends entries to the unstable part, truncating any entries at or after the first one's index.</summary>
    public void Append(ReadOnlyMemory<LogEntry> entries)
    {
        if (entries.IsEmpty)
        {
            return;
        }

        ReadOnlySpan<LogEntry> span = entries.Span;
        ulong first = span[0].Index;
        if (first <= Committed)
        {
            throw new RaftSafetyException($"append at index {first} would truncate committed entries (commit {Committed})");
        }

        ulong end = _unstableOffset + (ulong)_unstableCount;
        if (first > LastIndex + 1)
        {
            throw new RaftSafetyException($"append at index {first} leaves a gap after the last index {LastIndex}");
        }

        if (first == end && _unstableStart + _unstableCount + span.Length <= _unstable.Length)
        {
            span.CopyTo(_unstable.AsSpan(_unstableStart + _unstableCount));
            _unstableCount += span.Length;
            return;
        }

        int keep = first >= _unstableOffset ? (int)(first - _unstableOffset) : 0;
        var fresh = new LogEntry[Math.Max(256, (keep + span.Length) * 2)];
        Array.Copy(_unstable, _unstableStart, fresh, 0, keep);
        span.CopyTo(fresh.AsSpan(keep));
        _unstable = fresh;
        _unstableStart = 0;
        _unstableCount = keep + span.Length;
        if (first < _unstableOffset)
        {
            _unstableOffset = first;
        }
    }

    /// <summary>Appends one entry right after the last one (the leader's proposal path; no allocation in the common case).</summary>
    public void AppendNext(in LogEntry entry)
    {
        if (entry.Index != LastIndex + 1 || entry.Index <= Committed)
        {
            throw new RaftSafetyException($"entry {entry.Index} does not follow the last index {LastIndex}");
        }

        if (_unstableStart + _unstableCount == _unstable.Length)
        {
            var grown = new LogEntry[Math.Max(256, _unstableCount * 2)];
            Array.Copy(_unstable, _unstableStart, grown, 0, _unstableCount);
            _unstable = grown;
            _unstableStart = 0;
        }

        _unstable[_unstableStart + _unstableCount] = entry;
        _unstableCount++;
    }

    /// <summary>Entries in [<paramref name="low"/>, LastIndex], cut after <paramref name="maxBytes"/> (never empty when the range is not). False when compacted.</summary>
    public bool TryGetEntries(ulong low, long maxBytes, out ReadOnlyMemory<LogEntry> entries)
    {
        entries = default;
        if (low < FirstIndex)
        {
            return false;
        }

        ulong last = LastIndex;
        if (low > last)
        {
            return true;
        }

        entries = Slice(low, last + 1, maxBytes);
        return true;
    }

    private ReadOnlyMemory<LogEntry> Slice(ulong low, ulong high, long maxBytes)
    {
        if (_unstableCount > 0 && low >= _unstableOffset)
        {
            return LimitBytes(new ReadOnlyMemory<LogEntry>(_unstable, _unstableStart + (int)(low - _unstableOffset), (int)(high - low)), maxBytes);
        }

        ulong storedHigh = _unstableCount > 0 ? Math.Min(high, _unstableOffset) : high;
        ReadOnlyMemory<LogEntry> stored = _storage.Entries(low, storedHigh, maxBytes);
        if (stored.Length < (int)(storedHigh - low) || storedHigh == high)
        {
            return stored;
        }

        // The range spans storage and unstable entries: join them (rare; only while the tail is being persisted).
        long used = 0;
        foreach (ref readonly LogEntry e in stored.Span)
        {
            used += e.SizeBytes;
        }

        ReadOnlyMemory<LogEntry> rest = LimitBytes(new ReadOnlyMemory<LogEntry>(_unstable, _unstableStart, (int)(high - _unstableOffset)), Math.Max(0, maxBytes - used), allowEmpty: true);
        var joined = new LogEntry[stored.Length + rest.Length];
        stored.Span.CopyTo(joined);
        rest.Span.CopyTo(joined.AsSpan(stored.Length));
        return joined;
    }

    private static ReadOnlyMemory<LogEntry> LimitBytes(ReadOnlyMemory<LogEntry> entries, long maxBytes, bool allowEmpty = false)
    {
        ReadOnlySpan<LogEntry> span = entries.Span;
        long bytes = 0;
        for (int i = 0; i < span.Length; i++)
        {
            bytes += span[i].SizeBytes;
            if (bytes > maxBytes && (i > 0 || allowEmpty))
            {
                return entries[..i];
            }
        }

        return entries;
    }

    /// <summary>Committed, durable entries not yet handed to the application, at most <paramref name="maxBytes"/>.</summary>
    public ReadOnlyMemory<LogEntry> NextCommittedEntries(long maxBytes)
    {
        if (!HasNextCommittedEntries)
        {
            return default;
        }

        ulong high = Math.Min(Committed, StableLastIndex) + 1;
        return Slice(Applied + 1, high, maxBytes);
    }

    public void CommitTo(ulong index)
    {
        if (index <= Committed)
        {
            return;
        }

        if (index > LastIndex)
        {
            throw new RaftSafetyException($"commit index {index} is beyond the last log index {LastIndex}");
        }

        Committed = index;
    }

    public void AppliedTo(ulong index)
    {
        if (index < Applied || index > Committed)
        {
            throw new RaftSafetyException($"applied index would move from {Applied} to {index} (commit {Committed})");
        }

        Applied = index;
    }

    /// <summary>Entries through (<paramref name="index"/>, <paramref name="term"/>) are now durable; drop them from the unstable part.</summary>
    public void StableTo(ulong index, ulong term)
    {
        if (_unstableCount == 0 || index < _unstableOffset || index > LastIndex || Term(index) != term)
        {
            return; // truncated or replaced meanwhile: the newer entries are still unstable
        }

        int n = (int)(index - _unstableOffset + 1);
        _unstableStart += n;
        _unstableCount -= n;
        _unstableOffset = index + 1;
    }

    public void StableSnapshotTo(ulong index)
    {
        if (UnstableSnapshot is { } s && s.Metadata.Index == index)
        {
            UnstableSnapshot = null;
        }
    }

    /// <summary>Replaces the whole log with <paramref name="snapshot"/> (follower side of install snapshot).</summary>
    public void Restore(RaftSnapshot snapshot)
    {
        ulong index = snapshot.Metadata.Index;
        if (index <= Committed)
        {
            throw new RaftSafetyException($"restoring snapshot at {index} would move the commit index back from {Committed}");
        }

        Committed = index;
        UnstableSnapshot = snapshot;
        _unstable = new LogEntry[256];
        _unstableStart = 0;
        _unstableCount = 0;
        _unstableOffset = index + 1;
    }

    public void SnapshotApplied(ulong index)
    {
        if (index > Applied)
        {
            Applied = index;
        }
    }

    public RaftSnapshot? Snapshot => UnstableSnapshot ?? _storage.Snapshot;
}
