using Microsoft.Extensions.Logging;

namespace DKV.Core.Transport;

/// <summary>Source-generated log messages of the framing core. Event ids 3000-3099.</summary>
internal static partial class TransportLog
{
    [LoggerMessage(3000, LogLevel.Information, "Starting {Transport} server on {Endpoint} with {MaxInflight} in-flight requests per connection")]
    public static partial void ServerStarted(ILogger logger, string transport, string endpoint, int maxInflight);

    [LoggerMessage(3001, LogLevel.Warning, "{Transport} server: accept failed ({ConsecutiveErrors} in a row); retrying in {DelayMs} ms")]
    public static partial void AcceptFailed(ILogger logger, string transport, int consecutiveErrors, long delayMs, Exception exception);

    [LoggerMessage(3002, LogLevel.Debug, "Accepted connection from {Remote}")]
    public static partial void ConnectionAccepted(ILogger logger, string remote);

    [LoggerMessage(3003, LogLevel.Warning, "Closing connection from {Remote}: handshake refused: {Reason}")]
    public static partial void HandshakeRejected(ILogger logger, string remote, string reason);

    [LoggerMessage(3004, LogLevel.Warning, "Closing connection from {Remote}: no handshake within {Timeout}")]
    public static partial void HandshakeTimedOut(ILogger logger, string remote, TimeSpan timeout);

    [LoggerMessage(3005, LogLevel.Warning, "Closing connection from {Remote}: frame for shard {ShardId} request {RequestId} declares a payload of {Length} bytes, over the maximum of {MaxBytes} (MaxFrameBytes)")]
    public static partial void FrameTooLarge(ILogger logger, string remote, ulong shardId, ulong requestId, uint length, int maxBytes);

    [LoggerMessage(3006, LogLevel.Warning, "Connection from {Remote} closed in the middle of a frame ({Bytes} bytes of an incomplete frame discarded)")]
    public static partial void TruncatedFrame(ILogger logger, string remote, long bytes);

    [LoggerMessage(3007, LogLevel.Debug, "Connection from {Remote} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, string remote, string reason);

    [LoggerMessage(3008, LogLevel.Error, "Closing connection from {Remote}: the request handler failed for shard {ShardId} request {RequestId}")]
    public static partial void HandlerFailed(ILogger logger, string remote, ulong shardId, ulong requestId, Exception exception);

    [LoggerMessage(3009, LogLevel.Warning, "Connection from {Remote} failed: {Reason}")]
    public static partial void ConnectionFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(3010, LogLevel.Information, "Stopping {Transport} server on {Endpoint}: draining {Connections} connections")]
    public static partial void ServerStopping(ILogger logger, string transport, string endpoint, int connections);

    [LoggerMessage(3011, LogLevel.Warning, "{Transport} server: drain cut short; aborting {Connections} connections with requests still in flight")]
    public static partial void DrainCutShort(ILogger logger, string transport, int connections);

    [LoggerMessage(3012, LogLevel.Error, "Closing connection from {Remote}: the response to shard {ShardId} request {RequestId} has {Length} bytes, over the maximum of {MaxBytes} (MaxFrameBytes)")]
    public static partial void ResponseTooLarge(ILogger logger, string remote, ulong shardId, ulong requestId, int length, int maxBytes);

    [LoggerMessage(3013, LogLevel.Error, "{Transport} server: the listener was closed unexpectedly; no new connections are accepted")]
    public static partial void ListenerClosed(ILogger logger, string transport, Exception exception);

    [LoggerMessage(3014, LogLevel.Information, "{Transport} server on {Endpoint} stopped")]
    public static partial void ServerStopped(ILogger logger, string transport, string endpoint);

    [LoggerMessage(3050, LogLevel.Warning, "{Transport} client: cannot connect to {Endpoint}: {Reason}")]
    public static partial void ClientConnectFailed(ILogger logger, string transport, string endpoint, string reason);

    [LoggerMessage(3051, LogLevel.Information, "{Transport} client: connected to {Endpoint}")]
    public static partial void ClientConnected(ILogger logger, string transport, string endpoint);

    [LoggerMessage(3052, LogLevel.Warning, "{Transport} client: connection to {Endpoint} lost: {Reason}; reconnecting in the background")]
    public static partial void ClientConnectionLost(ILogger logger, string transport, string endpoint, string reason);

    [LoggerMessage(3053, LogLevel.Debug, "Dropped a response from {Endpoint} for request {RequestId}, which is no longer waiting (timed out or cancelled)")]
    public static partial void LateResponse(ILogger logger, string endpoint, ulong requestId);

    [LoggerMessage(3054, LogLevel.Debug, "Request to shard {ShardId} failed on attempt {Attempt} of {MaxAttempts} ({Reason}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, ulong shardId, int attempt, int maxAttempts, string reason, long delayMs);

    [LoggerMessage(3055, LogLevel.Warning, "Closing connection to {Endpoint}: {Reason}")]
    public static partial void ClientProtocolError(ILogger logger, string endpoint, string reason);
}
