namespace DKV.Core.Transport;

/// <summary>Client transport settings (flag names in comments). Validated by <see cref="Validate"/> before connecting.</summary>
public sealed record ClientTransportOptions
{
    /// <summary>Endpoints to spread requests over, round robin (<c>--endpoints</c> / <c>--transport-endpoints</c>).</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = ["127.0.0.1:8080"];

    /// <summary>The serializer announced in the handshake.</summary>
    public string SerializerName { get; init; } = "binary";

    /// <summary>Connections opened per endpoint (<c>--transport-conn-per-endpoint</c>).</summary>
    public int ConnectionsPerEndpoint { get; init; } = 1;

    /// <summary>Per-request deadline (<c>--timeout</c>).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Total attempts for a request where a retry is safe (<c>--transport-retries</c>).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>First retry delay; doubles per attempt with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest wait between reconnect attempts to a lost endpoint; the wait starts at <see cref="RetryBaseDelay"/> and doubles.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest frame payload sent or accepted; a larger request fails with TooLarge before anything is sent.</summary>
    public int MaxFrameBytes { get; init; } = 16 * 1024 * 1024;

    public int ReadBufferBytes { get; init; } = 512 * 1024;

    public int WriteBufferBytes { get; init; } = 512 * 1024;

    public bool TcpNoDelay { get; init; } = true;

    public TimeSpan TcpKeepAlive { get; init; } = TimeSpan.Zero;

    public TimeSpan? TcpLinger { get; init; }

    /// <summary>Requests waiting for a connection slot before new ones fail with Unavailable.</summary>
    public int MaxPendingRequests { get; init; } = 10_000;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Endpoints);
        if (Endpoints.Count == 0 || Endpoints.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("at least one non-empty endpoint is required", nameof(Endpoints));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(SerializerName);
        ArgumentOutOfRangeException.ThrowIfLessThan(ConnectionsPerEndpoint, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryBaseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReconnectDelay, RetryBaseDelay);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingRequests, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadBufferBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(WriteBufferBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(TcpKeepAlive, TimeSpan.Zero);
        if (TcpLinger is { } linger)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(linger, TimeSpan.Zero, nameof(TcpLinger));
        }
    }
}
