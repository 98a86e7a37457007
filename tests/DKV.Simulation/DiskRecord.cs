using DKV.Consensus.Raft;

namespace DKV.Simulation;

/// <summary>One record of a simulated write-ahead log: exactly one of the members is set.</summary>
/// <param name="Entries">Log entries to append (replacing any at or after the first index).</param>
/// <param name="HardState">A hard state.</param>
/// <param name="Snapshot">A snapshot received from the leader (replaces the whole log up to its index).</param>
/// <param name="Compaction">A local snapshot and the first index to keep.</param>
internal sealed record DiskRecord(LogEntry[]? Entries, HardState? HardState, RaftSnapshot? Snapshot, CompactionPlan? Compaction);
