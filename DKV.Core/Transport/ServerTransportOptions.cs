namespace DKV.Core.Transport;

/// <summary>Server transport settings (flag names in comments). Validated by <see cref="Validate"/> at start.</summary>
public sealed record ServerTransportOptions
{
    /// <summary>tcp: <c>host:port</c>; unix: a socket path (<c>--transport-endpoint</c>).</summary>
    public string Endpoint { get; init; } = "127.0.0.1:8080";

    /// <summary>The serializer this server speaks; a client announcing another is refused in the handshake.</summary>
    public string SerializerName { get; init; } = "binary";

    /// <summary>Requests in flight per connection before the server stops reading from it (<c>--transport-workers</c>).</summary>
    public int MaxInflightPerConnection { get; init; } = 100;

    /// <summary>Largest frame payload accepted; checked before anything is allocated.</summary>
    public int MaxFrameBytes { get; init; } = 16 * 1024 * 1024;

    public int ReadBufferBytes { get; init; } = 512 * 1024;

    public int WriteBufferBytes { get; init; } = 512 * 1024;

    public bool TcpNoDelay { get; init; } = true;

    /// <summary>Keep-alive idle time; zero leaves keep-alive off (<c>--transport-tcp-keepalive</c>, seconds).</summary>
    public TimeSpan TcpKeepAlive { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>SO_LINGER on close; null leaves the OS default (<c>--transport-tcp-linger</c>, seconds).</summary>
    public TimeSpan? TcpLinger { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection that has not finished its handshake by then is closed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(SerializerName);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInflightPerConnection, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadBufferBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(WriteBufferBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(TcpKeepAlive, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero);
        if (TcpLinger is { } linger)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(linger, TimeSpan.Zero, nameof(TcpLinger));
        }
    }
}
