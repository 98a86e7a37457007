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
    /// Rebuilds group <paramref name="groupId"/> from what <paramref name="wal"/> recovered and the group's current snapshot file.
    /// Entries behind the snapshot are not kept in memory; entries after it are kept only when the log holds the snapshot's own
    /// entry with the same term (the Raft snapshot-install rule). Throws Corrupt when the WAL names a snapshot the store lacks.
    /// </summary>
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

        IReadOnlyList<LogEntry> entries = state?.Entries ?? [];
        if (snapshot is not null)
        {
            storage._memory.ApplySnapshot(snapshot);
            entries = AfterSnapshot(entries, snapshot.Metadata);
        }

        storage._memory.Append(entries.ToArray());
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
        SnapshotMetadata meta = plan.Snapshot.Metadata;
        _wal.AppendSnapshotMarker(_groupId, new WalSnapshotMarker(meta.Index, meta.Term, plan.FirstIndexToKeep, ReplacesLog: false));
        _memory.Compact(plan);
    }

    private static IReadOnlyList<LogEntry> AfterSnapshot(IReadOnlyList<LogEntry> entries, SnapshotMetadata snapshot)
    {
        if (entries.Count == 0 || entries[^1].Index <= snapshot.Index)
        {
            return [];
        }

        bool matches = snapshot.Index == 0 || entries.Any(e => e.Index == snapshot.Index && e.Term == snapshot.Term)
            || entries[0].Index == snapshot.Index + 1;
        return matches ? entries.Where(e => e.Index > snapshot.Index).ToArray() : [];
    }
}
