using DKV.Core.Transport;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.Sockets;

/// <summary>
/// The <c>tcp</c> transport: endpoints are <c>host:port</c> (<c>:port</c> = every interface on a server, loopback on a client),
/// with the shared framing core over TCP sockets and the no-delay, keep-alive, linger and buffer options applied.
/// </summary>
public sealed class TcpTransportFactory : ITransportFactory
{
    public const string TransportName = "tcp";

    public string Name => TransportName;

    public IServerTransport CreateServer(ServerTransportOptions options, ILoggerFactory loggerFactory) =>
        new ListenerServerTransport(TransportName, new TcpListenerFactory(), options, loggerFactory);

    public IClientTransport CreateClient(ClientTransportOptions options, ILoggerFactory loggerFactory) =>
        new MultiplexedClientTransport(TransportName, new TcpConnectionDialer(), options, loggerFactory);
}
