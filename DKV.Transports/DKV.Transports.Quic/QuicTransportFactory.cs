using System.Net.Quic;
using DKV.Core.Errors;
using DKV.Core.Transport;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.Quic;

/// <summary>
/// The <c>quic</c> transport over System.Net.Quic: TLS 1.3 with ALPN <c>dkv</c>; each client connection slot is one QUIC connection
/// with one long-lived bidirectional stream carrying the same handshake and frames as tcp (docs/protocol.md, "QUIC").
/// Where the native libmsquic is missing, creating a server or client throws <see cref="DkvException"/>
/// (<see cref="DkvErrorCode.Unavailable"/>) saying so and how to install it.
/// </summary>
public sealed class QuicTransportFactory : ITransportFactory
{
    public const string TransportName = "quic";

    private readonly QuicTlsOptions _tls;

    public QuicTransportFactory()
        : this(new QuicTlsOptions())
    {
    }

    public QuicTransportFactory(QuicTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        tls.Validate();
        _tls = tls;
    }

    public string Name => TransportName;

    public IServerTransport CreateServer(ServerTransportOptions options, ILoggerFactory loggerFactory)
    {
        if (!QuicListener.IsSupported || !QuicConnection.IsSupported)
        {
            throw new DkvException(DkvErrorCode.Unavailable, QuicAvailability.MissingLibraryMessage);
        }

        return new QuicServerTransport(options, _tls, loggerFactory);
    }

    public IClientTransport CreateClient(ClientTransportOptions options, ILoggerFactory loggerFactory)
    {
        if (!QuicListener.IsSupported || !QuicConnection.IsSupported)
        {
            throw new DkvException(DkvErrorCode.Unavailable, QuicAvailability.MissingLibraryMessage);
        }

        ArgumentNullException.ThrowIfNull(loggerFactory);
        var dialer = new QuicStreamDialer(_tls, loggerFactory.CreateLogger<QuicTransportFactory>());
        return new MultiplexedClientTransport(TransportName, dialer, options, loggerFactory);
    }
}
