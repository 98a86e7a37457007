using Microsoft.Extensions.Logging;

namespace DKV.Transports.ZeroMQ;

/// <summary>Source-generated log messages of the zmq transport. Event ids 3300-3349.</summary>
internal static partial class ZmqLog
{
    [LoggerMessage(3300, LogLevel.Critical, "zmq: the I/O thread {Thread} failed; the transport stops working")]
    public static partial void ReactorFailed(ILogger logger, string thread, Exception exception);

    [LoggerMessage(3301, LogLevel.Error, "zmq: work posted to the I/O thread failed")]
    public static partial void CommandFailed(ILogger logger, Exception exception);

    [LoggerMessage(3302, LogLevel.Information, "zmq: listening on {Endpoint} (libzmq {Version})")]
    public static partial void Listening(ILogger logger, string endpoint, string version);

    [LoggerMessage(3303, LogLevel.Debug, "zmq: session {Peer} opened")]
    public static partial void SessionOpened(ILogger logger, string peer);

    [LoggerMessage(3304, LogLevel.Information, "zmq: refused a session from {Peer}: {Reason}")]
    public static partial void SessionRefused(ILogger logger, string peer, string reason);

    [LoggerMessage(3305, LogLevel.Debug, "zmq: session {Peer} closed: {Reason}")]
    public static partial void SessionClosed(ILogger logger, string peer, string reason);

    [LoggerMessage(3306, LogLevel.Warning, "zmq: dropped a malformed message from {Peer}: {Reason}")]
    public static partial void MalformedMessage(ILogger logger, string peer, string reason);

    [LoggerMessage(3308, LogLevel.Warning, "zmq: the I/O thread {Thread} did not stop within {Timeout}; leaving it behind")]
    public static partial void StopTimedOut(ILogger logger, string thread, TimeSpan timeout);

    [LoggerMessage(3307, LogLevel.Debug, "zmq: {Endpoint} socket event {Event} ({Value})")]
    public static partial void SocketEvent(ILogger logger, string endpoint, string @event, int value);
}
