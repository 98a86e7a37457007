using System.Net.Sockets;
using DKV.Core.Errors;
using DKV.Core.Transport;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.Sockets;

/// <summary>
/// Binds Unix domain sockets. Anything already at the path is left alone unless it is a stale socket file (a socket nobody
/// listens on), which is removed; the server's own socket file is removed on stop.
/// </summary>
internal sealed class UnixListenerFactory : IConnectionListenerFactory
{
    private const int Backlog = 512;

    private readonly ILogger _logger;

    public UnixListenerFactory(ILogger logger)
    {
        _logger = logger;
    }

    public ValueTask<IConnectionListener> BindAsync(ServerTransportOptions options, CancellationToken cancellationToken)
    {
        string path = options.Endpoint;
        UnixSocketPath.Validate(path);
        RemoveStaleSocket(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(Backlog);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new DkvException(DkvErrorCode.Unavailable, $"cannot listen on unix socket {path}: {ex.Message}; check that the folder exists and is writable", ex);
        }

        IConnectionListener listener = new SocketConnectionListener(
            socket,
            path,
            options,
            accepted => SocketTuning.ApplyBuffers(accepted, options.ReadBufferBytes, options.WriteBufferBytes),
            _ => "unix:" + path,
            () => RemoveOwnSocket(path));
        return ValueTask.FromResult(listener);
    }

    private void RemoveStaleSocket(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            return;
        }

        if (!UnixSocketPath.IsSocketFile(path))
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"unix endpoint {path} already exists and is not a socket file; it was left untouched. Choose another path or remove it yourself");
        }

        if (UnixSocketPath.HasLiveListener(path))
        {
            throw new DkvException(DkvErrorCode.Unavailable, $"unix socket {path} is in use by a running server; stop it or choose another path");
        }

        File.Delete(path);
        Log.RemovedStaleSocket(_logger, path);
    }

    private void RemoveOwnSocket(string path)
    {
        try
        {
            if (UnixSocketPath.IsSocketFile(path))
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.SocketCleanupFailed(_logger, path, ex.Message);
        }
    }
}
