using DKV.Consensus.Raft;

namespace DKV.Consensus.Storage;

/// <summary>What replaying the write-ahead log recovered for one Raft group.</summary>
/// <param name="GroupId">The group.</param>
/// <param name="HardState">The last hard state logged, or null when none was.</param>
/// <param name="Snapshot">The last snapshot marker logged, or null when the group was never compacted.</param>
/// <param name="Entries">The surviving log: consecutive indexes, ascending, after the truncation and snapshot rules.</param>
public sealed record WalGroupState(ulong GroupId, HardState? HardState, WalSnapshotMarker? Snapshot, IReadOnlyList<LogEntry> Entries);
