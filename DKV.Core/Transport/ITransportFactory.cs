using Microsoft.Extensions.Logging;

namespace DKV.Core.Transport;

/// <summary>
/// Creates the server and client sides of one transport. Plugins register one as a keyed service under the transport name
/// (<c>tcp</c>, <c>unix</c>, <c>zmq</c>, <c>quic</c>).
/// </summary>
public interface ITransportFactory
{
    string Name { get; }

    IServerTransport CreateServer(ServerTransportOptions options, ILoggerFactory loggerFactory);

    IClientTransport CreateClient(ClientTransportOptions options, ILoggerFactory loggerFactory);
}
