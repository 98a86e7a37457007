namespace DKV.Consensus.Raft;

/// <summary>Volatile state that the caller may want to observe (it is never persisted).</summary>
/// <param name="Leader">The node this node believes is leader, or 0 when it knows none.</param>
/// <param name="Role">This node's role.</param>
public readonly record struct SoftState(ulong Leader, RaftRole Role);
