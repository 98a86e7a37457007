using System.Collections.Concurrent;
using System.Net;
using System.Net.Quic;
using System.Net.Security;
using System.Runtime.Versioning;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using DKV.Core.Errors;
using DKV.Core.Transport;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.Quic;

/// <summary>
/// The server side: a <see cref="QuicListener"/> (TLS 1.3, ALPN <c>dkv</c>) whose connections' inbound bidirectional streams are
/// handed to the shared <see cref="ListenerServerTransport"/> as connections. Disposing the listener only stops accepting
/// (connections and streams already open drain); <see cref="CloseAsync"/> then closes every QUIC connection.
/// </summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
[SupportedOSPlatform("windows")]
internal sealed class QuicStreamListener : IConnectionListenerFactory, IConnectionListener
{
    private readonly QuicTlsOptions _tls;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<QuicConnection, Task> _connections = new();
    private readonly Channel<IDuplexConnection> _streams = Channel.CreateBounded<IDuplexConnection>(new BoundedChannelOptions(256) { SingleReader = true });
    private ServerTransportOptions _options = new();
    private QuicListener? _listener;
    private X509Certificate2? _certificate;
    private Task _acceptLoop = Task.CompletedTask;

    public QuicStreamListener(QuicTlsOptions tls, ILogger logger)
    {
        _tls = tls;
        _logger = logger;
    }

    public string BoundEndpoint { get; private set; } = string.Empty;

    public async ValueTask<IConnectionListener> BindAsync(ServerTransportOptions options, CancellationToken cancellationToken)
    {
        _options = options;
        (string host, int port) = QuicEndpoint.Parse(options.Endpoint);
        IPAddress address = host.Length == 0 ? IPAddress.Any
            : IPAddress.TryParse(host, out IPAddress? parsed) ? parsed
            : (await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
              ?? throw new DkvException(DkvErrorCode.InvalidArgument, $"quic endpoint {options.Endpoint}: host '{host}' has no address");
        _certificate = QuicCertificates.LoadOrCreateServerCertificate(_tls, _logger);
        var serverOptions = new QuicServerConnectionOptions
        {
            DefaultStreamErrorCode = QuicErrorCodes.StreamAborted,
            DefaultCloseErrorCode = QuicErrorCodes.Closed,
            IdleTimeout = _tls.IdleTimeout,
            MaxInboundBidirectionalStreams = _tls.MaxStreamsPerConnection,
            MaxInboundUnidirectionalStreams = 0,
            ServerAuthenticationOptions = new SslServerAuthenticationOptions
            {
                ApplicationProtocols = [new SslApplicationProtocol(QuicTlsOptions.ApplicationProtocol)],
                EnabledSslProtocols = SslProtocols.Tls13,
                ServerCertificate = _certificate,
            },
        };
        try
        {
            _listener = await QuicListener.ListenAsync(
                new QuicListenerOptions
                {
                    ListenEndPoint = new IPEndPoint(address, port),
                    ApplicationProtocols = [new SslApplicationProtocol(QuicTlsOptions.ApplicationProtocol)],
                    ConnectionOptionsCallback = (_, _, _) => ValueTask.FromResult(serverOptions),
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (QuicException ex)
        {
            throw new DkvException(DkvErrorCode.Unavailable, $"cannot listen on quic endpoint {options.Endpoint}: {ex.Message}; choose another --transport-endpoint or stop what is using it", ex);
        }

        BoundEndpoint = QuicEndpoint.Format(_listener.LocalEndPoint);
        QuicLog.Listening(_logger, BoundEndpoint);
        _acceptLoop = AcceptConnectionsAsync(_listener);
        return this;
    }

    public async ValueTask<IDuplexConnection> AcceptAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _streams.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException("the quic listener is closed", ex);
        }
    }

    /// <summary>Stops accepting connections and streams; open streams carry on until the server closes them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _streams.Writer.TryComplete();
        while (_streams.Reader.TryRead(out IDuplexConnection? unaccepted))
        {
            await unaccepted.DisposeAsync().ConfigureAwait(false);
        }

        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
        }

        await _acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Closes every QUIC connection (after the server drained its streams) and releases the certificate.</summary>
    public async Task CloseAsync()
    {
        await DisposeAsync().ConfigureAwait(false);
        foreach (QuicConnection connection in _connections.Keys)
        {
            using var timeout = new CancellationTokenSource(_options.HandshakeTimeout);
            try
            {
                await connection.CloseAsync(QuicErrorCodes.ShuttingDown, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is QuicException or OperationCanceledException or ObjectDisposedException)
            {
                QuicLog.ConnectionEnded(_logger, connection.RemoteEndPoint.ToString(), ex.Message);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_connections.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _certificate?.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptConnectionsAsync(QuicListener listener)
    {
        await Task.Yield();
        while (!_stopping.IsCancellationRequested)
        {
            QuicConnection connection;
            try
            {
                connection = await listener.AcceptConnectionAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is QuicException or AuthenticationException)
            {
                // A failed handshake affects only that client.
                QuicLog.ConnectionEnded(_logger, "a client", ex.Message);
                continue;
            }

            var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[connection] = AcceptStreamsAsync(connection, registered.Task);
            registered.SetResult();
        }
    }

    private async Task AcceptStreamsAsync(QuicConnection connection, Task registered)
    {
        await registered.ConfigureAwait(false);
        string remote = QuicEndpoint.Format(connection.RemoteEndPoint);
        try
        {
            while (true)
            {
                QuicStream stream = await connection.AcceptInboundStreamAsync(_stopping.Token).ConfigureAwait(false);
                var duplex = new StreamDuplexConnection(stream, remote, _options.ReadBufferBytes, _options.WriteBufferBytes, _options.HandshakeTimeout);
                if (!_streams.Writer.TryWrite(duplex))
                {
                    await duplex.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is QuicException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_stopping.IsCancellationRequested)
            {
                QuicLog.ConnectionEnded(_logger, remote, ex.Message);
            }
        }
        finally
        {
            if (!_stopping.IsCancellationRequested)
            {
                _connections.TryRemove(connection, out _);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
