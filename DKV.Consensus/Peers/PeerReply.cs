using DKV.Core.Errors;

namespace DKV.Consensus.Peers;

/// <summary>The answer to a <see cref="PeerRequest"/>.</summary>
/// <param name="Error">None on success; otherwise why not (NotLeader and Unavailable: definitely not applied).</param>
/// <param name="ErrorMessage">The error's text, or null.</param>
/// <param name="Applied">For a proposal: whether the write took effect (a conditional write may not).</param>
/// <param name="Index">For a proposal: the log index it was ordered at.</param>
/// <param name="LeaderHint">The replica the answering node believes leads the group (0 when unknown), so a caller can redirect.</param>
public readonly record struct PeerReply(DkvErrorCode Error, string? ErrorMessage, bool Applied, ulong Index, ulong LeaderHint);
