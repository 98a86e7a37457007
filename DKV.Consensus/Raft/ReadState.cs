namespace DKV.Consensus.Raft;

/// <summary>
/// A confirmed read index: at the moment the request was confirmed, the leader held leadership for a quorum and the
/// commit index was at least <paramref name="Index"/>.
/// </summary>
/// <remarks>The read is linearizable only when served after this node has applied through <paramref name="Index"/>.</remarks>
/// <param name="Index">The index the state machine must have applied before serving the read.</param>
/// <param name="Context">The caller's request context passed to <see cref="RaftNode.ReadIndex"/>, echoed back unchanged.</param>
public readonly record struct ReadState(ulong Index, ulong Context);
