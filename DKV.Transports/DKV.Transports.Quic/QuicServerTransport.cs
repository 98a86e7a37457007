using System.Runtime.Versioning;
using DKV.Core.Transport;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.Quic;

/// <summary>
/// The quic server: the shared <see cref="ListenerServerTransport"/> (handshake, in-flight limits, graceful drain) over inbound
/// QUIC streams. Stopping drains the streams first, then closes the QUIC connections.
/// </summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
[SupportedOSPlatform("windows")]
internal sealed class QuicServerTransport : IServerTransport
{
    private readonly QuicStreamListener _listener;
    private readonly ListenerServerTransport _inner;
    private Task? _stopTask;

    public QuicServerTransport(ServerTransportOptions options, QuicTlsOptions tls, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        tls.Validate();
        _listener = new QuicStreamListener(tls, loggerFactory.CreateLogger<QuicServerTransport>());
        _inner = new ListenerServerTransport(QuicTransportFactory.TransportName, _listener, options, loggerFactory);
    }

    public string BoundEndpoint => _inner.BoundEndpoint;

    public ValueTask StartAsync(IRequestHandler handler, CancellationToken cancellationToken) => _inner.StartAsync(handler, cancellationToken);

    public ValueTask StopAsync(CancellationToken cancellationToken)
    {
        _stopTask ??= StopCoreAsync(cancellationToken);
        return new ValueTask(_stopTask);
    }

    public ValueTask DisposeAsync() => StopAsync(new CancellationToken(canceled: true));

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        await _inner.StopAsync(cancellationToken).ConfigureAwait(false);
        await _inner.DisposeAsync().ConfigureAwait(false);
        await _listener.CloseAsync().ConfigureAwait(false);
    }
}
