using DKV.Consensus.Raft;

namespace DKV.Consensus.Peers;

/// <summary>What waits in a peer's send queue: a Raft message (with its encoded size) or a call.</summary>
internal readonly record struct OutboundItem(RaftMessage? Message, PendingCall? Call, int Bytes);
