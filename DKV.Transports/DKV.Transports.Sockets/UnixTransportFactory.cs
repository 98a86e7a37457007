using DKV.Core.Transport;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.Sockets;

/// <summary>
/// The <c>unix</c> transport: the endpoint is a socket file path. The server removes only a stale socket file at that path
/// (never a regular file or a live server's socket) and removes its own socket file on stop.
/// </summary>
public sealed class UnixTransportFactory : ITransportFactory
{
    public const string TransportName = "unix";

    public string Name => TransportName;

    public IServerTransport CreateServer(ServerTransportOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var listeners = new UnixListenerFactory(loggerFactory.CreateLogger<UnixTransportFactory>());
        return new ListenerServerTransport(TransportName, listeners, options, loggerFactory);
    }

    public IClientTransport CreateClient(ClientTransportOptions options, ILoggerFactory loggerFactory) =>
        new MultiplexedClientTransport(TransportName, new UnixConnectionDialer(), options, loggerFactory);
}
