namespace DKV.Consensus.Raft;

/// <summary>
/// What to persist when the application compacts: the snapshot, and the first log index to keep (earlier entries may be dropped;
/// entries from here on stay so slightly lagging followers catch up from the log). Produced by <see cref="RaftNode.Compact"/>.
/// </summary>
/// <param name="Snapshot">The snapshot to persist before dropping any entry.</param>
/// <param name="FirstIndexToKeep">Entries before this index may be dropped once the snapshot is durable.</param>
public sealed record CompactionPlan(RaftSnapshot Snapshot, ulong FirstIndexToKeep);
