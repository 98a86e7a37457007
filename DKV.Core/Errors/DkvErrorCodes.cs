namespace DKV.Core.Errors;

/// <summary>Facts about <see cref="DkvErrorCode"/> values that clients act on.</summary>
public static class DkvErrorCodes
{
    /// <summary>The highest defined code; serializers that name codes cover every code up to it.</summary>
    public const DkvErrorCode Last = DkvErrorCode.ConnectionLost;

    /// <summary>
    /// True when an operation that failed with <paramref name="code"/> was certainly not applied, so a write
    /// may be retried on another node without risk of applying twice.
    /// </summary>
    public static bool IsDefinitelyNotApplied(DkvErrorCode code) => code switch
    {
        DkvErrorCode.Internal or DkvErrorCode.Timeout or DkvErrorCode.Cancelled or DkvErrorCode.ConnectionLost => false,
        _ => true,
    };

    /// <summary>The lower-case name used in logs and JSON, for example <c>not-leader</c>.</summary>
    public static string ToName(DkvErrorCode code) => code switch
    {
        DkvErrorCode.None => "none",
        DkvErrorCode.Internal => "internal",
        DkvErrorCode.Unsupported => "unsupported",
        DkvErrorCode.InvalidArgument => "invalid-argument",
        DkvErrorCode.NotLeader => "not-leader",
        DkvErrorCode.Unavailable => "unavailable",
        DkvErrorCode.Timeout => "timeout",
        DkvErrorCode.TooLarge => "too-large",
        DkvErrorCode.Corrupt => "corrupt",
        DkvErrorCode.ProtocolMismatch => "protocol-mismatch",
        DkvErrorCode.UnknownShard => "unknown-shard",
        DkvErrorCode.UnknownMessageType => "unknown-message-type",
        DkvErrorCode.Cancelled => "cancelled",
        DkvErrorCode.MalformedMessage => "malformed-message",
        DkvErrorCode.ConnectionLost => "connection-lost",
        _ => $"code-{(byte)code}",
    };
}
