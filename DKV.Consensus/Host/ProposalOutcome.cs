using DKV.Core.Errors;
using DKV.Core.Stores;

namespace DKV.Consensus.Host;

/// <summary>How one attempt at a proposal ended, without throwing on the hot path.</summary>
/// <param name="Error">None when applied (see <paramref name="Result"/>); otherwise what went wrong.</param>
/// <param name="Message">The error's text, naming the group and the fix; null on success.</param>
/// <param name="Result">The state machine's answer when <paramref name="Error"/> is None.</param>
/// <param name="RetryAfterLeaderChange">
/// True when the same command may be proposed again once a (different) leader is known: either the attempt was definitely not
/// applied (NotLeader, Unavailable), or its fate is unknown (ConnectionLost) and the state machine's session de-duplication
/// (same client id and sequence) makes a retry take effect at most once.
/// </param>
/// <param name="RefusedBy">The replica that refused as not leader (0 when none), so a retry can wait for a different one.</param>
internal readonly record struct ProposalOutcome(DkvErrorCode Error, string? Message, WriteResult Result, bool RetryAfterLeaderChange, ulong RefusedBy)
{
    public static ProposalOutcome Applied(WriteResult result) => new(DkvErrorCode.None, null, result, false, 0);

    public static ProposalOutcome Failed(DkvErrorCode error, string message) => new(error, message, default, false, 0);

    public static ProposalOutcome NoLeader(string message, ulong refusedBy) => new(DkvErrorCode.NotLeader, message, default, true, refusedBy);

    public static ProposalOutcome Retry(DkvErrorCode error, string message, ulong refusedBy) => new(error, message, default, true, refusedBy);

    /// <summary>True when the attempt may have been applied (its outcome is unknown).</summary>
    public bool MayHaveApplied => Error is DkvErrorCode.Timeout or DkvErrorCode.ConnectionLost or DkvErrorCode.Internal or DkvErrorCode.Cancelled;
}
