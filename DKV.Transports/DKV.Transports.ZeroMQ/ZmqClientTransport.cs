using System.Buffers;
using DKV.Core.Transport;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.ZeroMQ;

/// <summary>
/// The zmq client: the shared <see cref="MultiplexedClientTransport"/> (round robin, retries, reconnects, timeouts) over DEALER
/// sessions, all owned by one I/O thread. Thread-safe.
/// </summary>
internal sealed class ZmqClientTransport : IClientTransport
{
    private readonly ZmqReactor _reactor;
    private readonly MultiplexedClientTransport _inner;
    private readonly TimeSpan _stopTimeout;
    private int _disposed;

    public ZmqClientTransport(ClientTransportOptions options, ZmqOptions zmq, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(zmq);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        zmq.Validate();
        ILogger logger = loggerFactory.CreateLogger<ZmqClientTransport>();
        _stopTimeout = zmq.Linger + TimeSpan.FromSeconds(5);
        _reactor = new ZmqReactor("dkv-zmq-client", logger);
        try
        {
            _inner = new MultiplexedClientTransport(ZmqTransportFactory.TransportName, new ZmqConnectionDialer(_reactor, zmq, logger), options, loggerFactory);
        }
        catch
        {
            _reactor.Dispose();
            throw;
        }
    }

    public ValueTask ConnectAsync(CancellationToken cancellationToken) => _inner.ConnectAsync(cancellationToken);

    public ValueTask<IMemoryOwner<byte>> SendAsync(ulong shardId, ReadOnlyMemory<byte> request, bool idempotent, CancellationToken cancellationToken) =>
        _inner.SendAsync(shardId, request, idempotent, cancellationToken);

    /// <summary>Closes every session (requests in flight fail with ConnectionLost), then stops the I/O thread.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _inner.DisposeAsync().ConfigureAwait(false);
        _reactor.Dispose();
        await _reactor.StoppedWithin(_stopTimeout).ConfigureAwait(false);
    }
}
