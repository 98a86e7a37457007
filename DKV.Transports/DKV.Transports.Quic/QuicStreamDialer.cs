using System.Net;
using System.Net.Quic;
using System.Net.Security;
using System.Runtime.Versioning;
using System.Security.Authentication;
using DKV.Core.Errors;
using DKV.Core.Transport;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.Quic;

/// <summary>
/// Dials one QUIC connection (TLS 1.3, ALPN <c>dkv</c>) per client connection slot and opens one long-lived bidirectional stream
/// on it, which carries the usual handshake and frames.
/// </summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
[SupportedOSPlatform("windows")]
internal sealed class QuicStreamDialer(QuicTlsOptions tls, ILogger logger) : IConnectionDialer
{
    public async ValueTask<IDuplexConnection> DialAsync(string endpoint, ClientTransportOptions options, CancellationToken cancellationToken)
    {
        (string host, int port) = QuicEndpoint.Parse(endpoint);
        if (port == 0)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"quic endpoint '{endpoint}' has port 0; a client needs the server's real port");
        }

        host = host.Length == 0 ? "127.0.0.1" : host;
        EndPoint target = IPAddress.TryParse(host, out IPAddress? address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        QuicConnection? connection = null;
        try
        {
            connection = await QuicConnection.ConnectAsync(ConnectionOptions(target, host, endpoint), timeout.Token).ConfigureAwait(false);
            QuicStream stream = await connection.OpenOutboundStreamAsync(QuicStreamType.Bidirectional, timeout.Token).ConfigureAwait(false);
            var duplex = new StreamDuplexConnection(stream, endpoint, options.ReadBufferBytes, options.WriteBufferBytes, options.RequestTimeout);
            return new QuicDuplexConnection(connection, duplex, options.RequestTimeout);
        }
        catch (Exception ex) when (ex is QuicException or AuthenticationException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            string why = ex switch
            {
                AuthenticationException => $"TLS failed ({ex.Message}); trust the server's CA with --tls-ca, or use --tls-insecure for a test server",
                OperationCanceledException => $"no answer within {options.RequestTimeout}",
                _ => ex.Message,
            };
            throw new DkvException(DkvErrorCode.Unavailable, $"cannot connect to quic endpoint {endpoint}: {why}", ex);
        }
    }

    private QuicClientConnectionOptions ConnectionOptions(EndPoint target, string host, string endpoint) => new()
    {
        RemoteEndPoint = target,
        DefaultStreamErrorCode = QuicErrorCodes.StreamAborted,
        DefaultCloseErrorCode = QuicErrorCodes.Closed,
        IdleTimeout = tls.IdleTimeout,
        KeepAliveInterval = tls.IdleTimeout / 3,
        MaxInboundBidirectionalStreams = 0,
        MaxInboundUnidirectionalStreams = 0,
        ClientAuthenticationOptions = new SslClientAuthenticationOptions
        {
            ApplicationProtocols = [new SslApplicationProtocol(QuicTlsOptions.ApplicationProtocol)],
            EnabledSslProtocols = SslProtocols.Tls13,
            TargetHost = tls.ServerName ?? host,
            RemoteCertificateValidationCallback = QuicCertificates.CreateValidation(tls, endpoint, logger),
        },
    };
}
