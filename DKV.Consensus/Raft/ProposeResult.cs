namespace DKV.Consensus.Raft;

/// <summary>The outcome of <see cref="RaftNode.Propose"/>.</summary>
/// <param name="Status">Whether the proposal was appended to the leader's log.</param>
/// <param name="Index">The log index given to the entry when accepted; 0 otherwise.</param>
/// <param name="Term">The leader's term when accepted; 0 otherwise.</param>
/// <remarks>
/// An accepted proposal is committed only if the entry that is applied at <paramref name="Index"/> has term
/// <paramref name="Term"/>; an applied entry of another term at that index means this proposal was overwritten and never applied.
/// </remarks>
public readonly record struct ProposeResult(ProposalStatus Status, ulong Index, ulong Term)
{
    /// <summary>True when the entry was appended to the leader's log.</summary>
    public bool IsAccepted => Status == ProposalStatus.Accepted;
}
