namespace DKV.Consensus.Raft;

/// <summary>
/// The state a node must keep on stable storage (Raft paper figure 2): current term, the vote cast in it, and the commit index.
/// </summary>
/// <param name="Term">The latest term the node has seen; never decreases.</param>
/// <param name="Vote">The node voted for in <paramref name="Term"/>, or 0 for none.</param>
/// <param name="Commit">The highest log index known committed; never decreases.</param>
public readonly record struct HardState(ulong Term, ulong Vote, ulong Commit)
{
    /// <summary>True for the state of a node that has never persisted anything.</summary>
    public bool IsEmpty => Term == 0 && Vote == 0 && Commit == 0;
}
