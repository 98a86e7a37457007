using DKV.Core.Errors;
using DKV.Core.Stores;

namespace DKV.Consensus.Host;

/// <summary>How one attempt at a proposal ended, without throwing on the hot path.</summary>
/// <param name="Error">None when applied (see <paramref name="Result"/>); otherwise what went wrong.</param>
/// <param name="Message">The error's text, naming the group and the fix; null on success.</param>
/// <param name="Result">The state machine's answer when <paramref name="Error"/> is None.</param>
/// <param name="RetryAfterLeaderChange">
/// True when the attempt was definitely not applied because this node or the one it asked does not lead the group; the same
/// command may be proposed again once a (different) leader is known.
/// </param>
/// <param name="RefusedBy">The replica that refused as not leader (0 when none), so a retry can wait for a different one.</param>
internal readonly record struct ProposalOutcome(DkvErrorCode Error, string? Message, WriteResult Result, bool RetryAfterLeaderChange, ulong RefusedBy)
{
    public static ProposalOutcome Applied(WriteResult result) => new(DkvErrorCode.None, null, result, false, 0);

    public static ProposalOutcome Failed(DkvErrorCode error, string message) => new(error, message, default, false, 0);

    public static ProposalOutcome NoLeader(string message, ulong refusedBy) => new(DkvErrorCode.NotLeader, message, default, true, refusedBy);
}
