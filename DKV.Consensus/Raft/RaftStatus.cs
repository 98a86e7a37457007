namespace DKV.Consensus.Raft;

/// <summary>A point-in-time view of one Raft node, for status commands and tests.</summary>
/// <param name="NodeId">This node.</param>
/// <param name="GroupId">Its group.</param>
/// <param name="Role">Its role.</param>
/// <param name="Leader">The leader it knows, or 0.</param>
/// <param name="Term">Its current term.</param>
/// <param name="Vote">The node it voted for in <paramref name="Term"/>, or 0.</param>
/// <param name="Commit">Its commit index.</param>
/// <param name="Applied">The index through which committed entries were handed to the application and acknowledged.</param>
/// <param name="FirstIndex">The first index still in its log.</param>
/// <param name="LastIndex">The last index in its log (durable or not yet).</param>
/// <param name="LeadTransferee">The target of a leader transfer in progress, or 0.</param>
public readonly record struct RaftStatus(
    ulong NodeId,
    ulong GroupId,
    RaftRole Role,
    ulong Leader,
    ulong Term,
    ulong Vote,
    ulong Commit,
    ulong Applied,
    ulong FirstIndex,
    ulong LastIndex,
    ulong LeadTransferee);
