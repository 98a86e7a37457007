namespace DKV.Testing.Linearizability;

/// <summary>
/// One completed or pending client operation: what was asked, what came back, and the closed interval
/// [<see cref="CallTime"/>, <see cref="ReturnTime"/>] in which it took effect (if it took effect at all).
/// </summary>
/// <remarks>
/// Times are in any monotonic unit shared by the whole history. Intervals are closed: [10, 20] overlaps [20, 30].
/// An operation whose outcome is unknown (timeout, lost connection) has <see cref="ReturnTime"/> =
/// <see cref="PendingReturnTime"/> and an output the model accepts as unknown: it may have taken effect at any time after its call, or never.
/// </remarks>
public readonly record struct Operation<TInput, TOutput>
{
    /// <summary>The return time of an operation whose outcome is unknown: after every other event.</summary>
    public const long PendingReturnTime = long.MaxValue;

    /// <summary>Creates an operation; throws when the return time is before the call time.</summary>
    public Operation(int clientId, TInput input, TOutput output, long callTime, long returnTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(returnTime, callTime);
        ClientId = clientId;
        Input = input;
        Output = output;
        CallTime = callTime;
        ReturnTime = returnTime;
    }

    /// <summary>The logical client (at most one outstanding operation per client).</summary>
    public int ClientId { get; }

    /// <summary>What the client asked for.</summary>
    public TInput Input { get; }

    /// <summary>What the client got back (or the model's unknown-outcome value).</summary>
    public TOutput Output { get; }

    /// <summary>When the request was issued.</summary>
    public long CallTime { get; }

    /// <summary>When the response arrived, or <see cref="PendingReturnTime"/> when it never did.</summary>
    public long ReturnTime { get; }

    /// <summary>True when the outcome is unknown (no response).</summary>
    public bool IsPending => ReturnTime == PendingReturnTime;
}
