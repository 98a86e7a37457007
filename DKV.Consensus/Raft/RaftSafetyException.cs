namespace DKV.Consensus.Raft;

/// <summary>
/// Thrown when continuing would break a Raft safety invariant (commit index moving back, truncating committed entries,
/// term moving back, a caller breaking the ready/advance contract). The node must stop: its state can no longer be trusted.
/// </summary>
public sealed class RaftSafetyException : Exception
{
    /// <summary>Creates the exception with a message naming the invariant and the values that broke it.</summary>
    public RaftSafetyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that led to it.</summary>
    public RaftSafetyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public RaftSafetyException()
        : base("a Raft safety invariant was broken")
    {
    }
}
