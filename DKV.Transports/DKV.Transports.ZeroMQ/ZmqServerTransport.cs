using DKV.Core.Transport;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.ZeroMQ;

/// <summary>
/// The zmq server: the shared <see cref="ListenerServerTransport"/> (handshake, in-flight limits, graceful drain) over the
/// sessions of one ROUTER socket, owned by one I/O thread. Stopping drains the sessions first, then closes the socket.
/// </summary>
internal sealed class ZmqServerTransport : IServerTransport
{
    private readonly ZmqReactor _reactor;
    private readonly ZmqRouter _router;
    private readonly ListenerServerTransport _inner;
    private readonly TimeSpan _stopTimeout;
    private Task? _stopTask;

    public ZmqServerTransport(ServerTransportOptions options, ZmqOptions zmq, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(zmq);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        zmq.Validate();
        ILogger logger = loggerFactory.CreateLogger<ZmqServerTransport>();
        _stopTimeout = zmq.Linger + TimeSpan.FromSeconds(5);
        _reactor = new ZmqReactor("dkv-zmq-server", logger);
        _router = new ZmqRouter(_reactor, zmq, logger);
        _inner = new ListenerServerTransport(ZmqTransportFactory.TransportName, _router, options, loggerFactory);
    }

    public string BoundEndpoint => _inner.BoundEndpoint;

    /// <summary>Sessions open now.</summary>
    public int SessionCount => _router.SessionCount;

    public ValueTask StartAsync(IRequestHandler handler, CancellationToken cancellationToken) => _inner.StartAsync(handler, cancellationToken);

    /// <summary>Refuses new sessions, drains open ones (until <paramref name="cancellationToken"/>), then closes the socket. Idempotent.</summary>
    public ValueTask StopAsync(CancellationToken cancellationToken)
    {
        _stopTask ??= StopCoreAsync(cancellationToken);
        return new ValueTask(_stopTask);
    }

    public ValueTask DisposeAsync() => StopAsync(new CancellationToken(canceled: true));

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _inner.StopAsync(cancellationToken).ConfigureAwait(false);
            await _inner.DisposeAsync().ConfigureAwait(false);
            await _router.CloseAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            _reactor.Dispose();
            await _reactor.StoppedWithin(_stopTimeout).ConfigureAwait(false);
        }
    }
}
