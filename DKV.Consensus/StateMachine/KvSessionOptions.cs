using DKV.Core.Errors;

namespace DKV.Consensus.StateMachine;

/// <summary>
/// Bounds of the client-session table that <see cref="KvStateMachine"/> keeps for at-most-once writes (Raft thesis section 6.3).
/// Every replica of a group must use the same values: they decide, deterministically, which outcomes are forgotten.
/// </summary>
public sealed record KvSessionOptions
{
    /// <summary>The most outcomes remembered per client session; the lowest sequences are forgotten first. Default 10,000.</summary>
    public int MaxResultsPerSession { get; init; } = 10_000;

    /// <summary>The most client sessions remembered; the least recently active is dropped first. Default 100,000.</summary>
    public int MaxSessions { get; init; } = 100_000;

    /// <summary>
    /// A session with no write for longer than this, measured in leader timestamps carried by the log entries (never a local
    /// clock), is dropped. Default 1 hour.
    /// </summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The defaults.</summary>
    public static KvSessionOptions Default { get; } = new();

    /// <summary>Throws <see cref="DkvException"/> (InvalidArgument) naming the bad option, its value and the allowed range.</summary>
    public void Validate()
    {
        if (MaxResultsPerSession is < 1 or > 10_000_000)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument,
                $"KvSessionOptions.MaxResultsPerSession is {MaxResultsPerSession}; use a value in [1, 10000000]");
        }

        if (MaxSessions is < 1 or > 100_000_000)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument,
                $"KvSessionOptions.MaxSessions is {MaxSessions}; use a value in [1, 100000000]");
        }

        if (SessionIdleTimeout <= TimeSpan.Zero)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument,
                $"KvSessionOptions.SessionIdleTimeout is {SessionIdleTimeout}; use a positive duration");
        }
    }
}
