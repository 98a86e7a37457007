namespace DKV.Transports.ZeroMQ;

/// <summary>
/// Settings of the zmq transport beyond the common transport options (those give endpoints, frame size, timeouts and in-flight
/// limits). Validated when a server or client is created. Flag names (bound by the host) in comments.
/// </summary>
public sealed record ZmqOptions
{
    /// <summary>libzmq's send and receive high-water marks per socket, in messages (<c>--transport-zmq-hwm</c>).</summary>
    public int HighWaterMarkMessages { get; init; } = 10_000;

    /// <summary>Messages per session waiting for the I/O thread before writers wait (<c>--transport-zmq-queue</c>).</summary>
    public int MaxQueuedMessagesPerSession { get; init; } = 1_024;

    /// <summary>Sessions a server keeps open at once; more are refused (<c>--transport-zmq-max-sessions</c>).</summary>
    public int MaxSessions { get; init; } = 4_096;

    /// <summary>How long a closing socket keeps trying to send what is queued (<c>ZMQ_LINGER</c>).</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>ZMTP heartbeat interval; a peer silent for three intervals is dropped. Zero turns heartbeats off.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(HighWaterMarkMessages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedMessagesPerSession, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSessions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Linger, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Linger, TimeSpan.FromMinutes(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(HeartbeatInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HeartbeatInterval, TimeSpan.FromHours(1));
    }
}
