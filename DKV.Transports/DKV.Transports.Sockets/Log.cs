using Microsoft.Extensions.Logging;

namespace DKV.Transports.Sockets;

/// <summary>Source-generated log messages of the socket transports. Event ids 3200-3249.</summary>
internal static partial class Log
{
    [LoggerMessage(3200, LogLevel.Information, "unix: removed stale socket file {Path} left by a server that is no longer running")]
    public static partial void RemovedStaleSocket(ILogger logger, string path);

    [LoggerMessage(3201, LogLevel.Warning, "unix: could not remove socket file {Path} on stop: {Reason}")]
    public static partial void SocketCleanupFailed(ILogger logger, string path, string reason);

    [LoggerMessage(3202, LogLevel.Debug, "{Transport}: could not apply socket option {Option}: {Reason}")]
    public static partial void SocketOptionFailed(ILogger logger, string transport, string option, string reason);
}
