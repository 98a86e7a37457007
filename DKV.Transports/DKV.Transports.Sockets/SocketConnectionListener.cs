using System.Net.Sockets;
using DKV.Core.Transport;

namespace DKV.Transports.Sockets;

/// <summary>A listening socket that hands out tuned, wrapped connections. Disposing closes it and runs the cleanup (unix: remove the file).</summary>
internal sealed class SocketConnectionListener : IConnectionListener
{
    private readonly Socket _socket;
    private readonly Action<Socket> _tune;
    private readonly Func<Socket, string> _describePeer;
    private readonly ServerTransportOptions _options;
    private readonly Action? _cleanup;
    private int _disposed;

    public SocketConnectionListener(Socket socket, string boundEndpoint, ServerTransportOptions options, Action<Socket> tune, Func<Socket, string> describePeer, Action? cleanup)
    {
        _socket = socket;
        BoundEndpoint = boundEndpoint;
        _options = options;
        _tune = tune;
        _describePeer = describePeer;
        _cleanup = cleanup;
    }

    public string BoundEndpoint { get; }

    public async ValueTask<IDuplexConnection> AcceptAsync(CancellationToken cancellationToken)
    {
        Socket accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _tune(accepted);
            return SocketTuning.Wrap(accepted, _describePeer(accepted), _options.ReadBufferBytes, _options.WriteBufferBytes, _options.HandshakeTimeout);
        }
        catch
        {
            accepted.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
            _cleanup?.Invoke();
        }

        return ValueTask.CompletedTask;
    }
}
