using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Consensus.Storage;

/// <summary>
/// One group's <see cref="IRaftLogReader"/> served from memory (<see cref="MemoryRaftStorage"/>) and made durable through a
/// shared <see cref="WriteAheadLog"/> and <see cref="SnapshotStore"/>. Build it with <see cref="Restore"/> after the WAL opened.
/// </summary>
/// <remarks>
/// <see cref="Persist"/> and <see cref="Compact"/> write snapshot files durably at once but only buffer log records: the owner
/// must complete <see cref="WriteAheadLog.SyncAsync"/> (one call covers every group sharing the WAL) before sending the ready's
/// messages or acknowledging anything, whenever <see cref="Ready.MustSync"/> is set. Same threading rules as the core: one
/// caller per group.
/// </remarks>
public sealed class DurableRaftStorage : IRaftLogReader
{
    private readonly ulong _groupId;
    private readonly WriteAheadLog _wal;
    private readonly SnapshotStore _snapshots;
    private readonly MemoryRaftStorage _memory = new();

    private DurableRaftStorage(ulong groupId, WriteAheadLog wal, SnapshotStore snapshots)
    {
        _groupId = groupId;
        _wal = wal;
        _snapshots = snapshots;
    }

    /// <inheritdoc/>
    public HardState HardState => _memory.HardState;

    /// <summary>The total size of the entries in the log (for status; see <see cref="MemoryRaftStorage.LogBytes"/>). Any thread.</summary>
    public long LogBytes => _memory.LogBytes;

    /// <summary>The number of entries in the log after compaction, [<see cref="FirstIndex"/>, <see cref="LastIndex"/>] (for status).</summary>
    public ulong LogEntryCount => LastIndex + 1 - FirstIndex;

    /// <inheritdoc/>
    public ulong FirstIndex => _memory.FirstIndex;

    /// <inheritdoc/>
    public ulong LastIndex => _memory.LastIndex;

    /// <inheritdoc/>
    public RaftSnapshot? Snapshot => _memory.Snapshot;

    /// <inheritdoc/>
    public bool TryGetTerm(ulong index, out ulong term) => _memory.TryGetTerm(index, out term);

    /// <inheritdoc/>
    public ReadOnlyMemory<LogEntry> Entries(ulong low, ulong high, long maxBytes) => _memory.Entries(low, high, maxBytes);

    /// <summary>
    /// Rebuilds group <paramref name="groupId"/> from what <paramref name="wal"/> recovered and the group's current snapshot file,
    /// so that it serves the log it served before the restart: the snapshot, and every entry the WAL still holds that connects to
    /// it (including the tail kept behind the snapshot by compaction). Throws Corrupt when the WAL names a snapshot the store lacks.
    /// </summary>
    /// <remarks>
    /// With a snapshot at (s, t): when the WAL holds entry s with term t, the log is restored from the WAL's first entry, which
    /// <see cref="Compact"/> keeps as the anchor (its term answers <see cref="TryGetTerm"/> for <see cref="FirstIndex"/> - 1);
    /// when the WAL starts right after s (an installed snapshot), from s + 1; otherwise only the snapshot is kept (the Raft
    /// snapshot-install rule: entries that do not match it are not trusted). After a leader's snapshot was installed and then
    /// compacted again, the restored log may start one entry later than before the restart (the anchor's term is not logged).
    /// </remarks>
    public static DurableRaftStorage Restore(ulong groupId, WriteAheadLog wal, SnapshotStore snapshots)
    {
        ArgumentNullException.ThrowIfNull(wal);
        ArgumentNullException.ThrowIfNull(snapshots);
        var storage = new DurableRaftStorage(groupId, wal, snapshots);
        wal.Recovered.TryGetValue(groupId, out WalGroupState? state);
        RaftSnapshot? snapshot = snapshots.Load(groupId);
        if (state?.Snapshot is { } marker && (snapshot is null || snapshot.Metadata.Index < marker.Index))
        {
            throw new DkvException(DkvErrorCode.Corrupt,
                $"group {groupId}: the write-ahead log records a snapshot at index {marker.Index} but the snapshot store has " +
                $"{(snapshot is null ? "none" : $"only index {snapshot.Metadata.Index}")}; restore this node from a replica");
        }

        LogEntry[] entries = [.. state?.Entries ?? []];
        if (snapshot is null)
        {
            if (entries.Length > 0 && entries[0].Index != 1)
            {
                throw new DkvException(DkvErrorCode.Corrupt,
                    $"group {groupId}: the write-ahead log starts at index {entries[0].Index} but there is no snapshot before it; " +
                    "restore this node from a replica");
            }

            storage._memory.Reset(null, 0, 0, entries);
        }
        else
        {
            (ulong offsetIndex, ulong offsetTerm, int skip) = Anchor(entries, snapshot.Metadata, state?.Snapshot);
            storage._memory.Reset(snapshot, offsetIndex, offsetTerm, entries.AsSpan(skip));
        }

        if (state?.HardState is { } hardState)
        {
            storage._memory.SetHardState(hardState);
        }

        return storage;
    }

    /// <summary>
    /// Persists what <paramref name="ready"/> asks (snapshot durably now; entries and hard state buffered in the WAL) and updates
    /// the in-memory view. Not durable until the WAL's next sync completes.
    /// </summary>
    public void Persist(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (ready.Snapshot is { } snapshot)
        {
            _snapshots.Save(_groupId, snapshot);
            SnapshotMetadata meta = snapshot.Metadata;
            _wal.AppendSnapshotMarker(_groupId, new WalSnapshotMarker(meta.Index, meta.Term, meta.Index + 1, ReplacesLog: true));
        }

        _wal.Append(_groupId, ready.HardState, ready.Entries.Span);
        _memory.Persist(ready);
    }

    /// <summary>
    /// Writes the application snapshot of <paramref name="plan"/> durably, then buffers a WAL marker so that segments behind
    /// <see cref="CompactionPlan.FirstIndexToKeep"/> are deleted after a later sync, and drops those entries from memory.
    /// </summary>
    public void Compact(CompactionPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _snapshots.Save(_groupId, plan.Snapshot);
        _memory.Compact(plan);
        SnapshotMetadata meta = plan.Snapshot.Metadata;

        // The WAL keeps one entry more than memory: the entry at FirstIndex - 1, whose term a restart needs (see Restore).
        ulong anchor = Math.Min(_memory.FirstIndex - 1, meta.Index);
        _wal.AppendSnapshotMarker(_groupId, new WalSnapshotMarker(meta.Index, meta.Term, anchor, ReplacesLog: false));
    }

    /// <summary>The entry before the first restored one (index, term) and how many WAL entries that skips.</summary>
    private static (ulong Index, ulong Term, int Skip) Anchor(LogEntry[] entries, SnapshotMetadata snapshot, WalSnapshotMarker? marker)
    {
        if (entries.Length == 0 || entries[^1].Index <= snapshot.Index)
        {
            return (snapshot.Index, snapshot.Term, entries.Length);
        }

        ulong first = entries[0].Index;
        if (first == snapshot.Index + 1)
        {
            return (snapshot.Index, snapshot.Term, 0);
        }

        if (first > snapshot.Index || entries[(int)(snapshot.Index - first)].Term != snapshot.Term)
        {
            // A gap after the snapshot, or a log that disagrees with it: keep only the snapshot.
            return (snapshot.Index, snapshot.Term, entries.Length);
        }

        if (first == 1 && (marker is null || marker.Value.FirstKeptIndex == 0))
        {
            return (0, 0, 0); // never compacted below the start: the whole log stays
        }

        return (first, entries[0].Term, 1);
    }
}
