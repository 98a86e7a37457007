using DKV.Core.Transport;
using DKV.Transports.ZeroMQ.Interop;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.ZeroMQ;

/// <summary>
/// The <c>zmq</c> transport: a ROUTER socket on the server, DEALER sockets on the client (one per connection), carrying the same
/// handshake and frames as tcp, one frame per ZeroMQ message (docs/protocol.md, "ZeroMQ"). Endpoints: <c>tcp://host:port</c>,
/// <c>host:port</c>, <c>ipc://path</c>. Creating a server or client throws <see cref="DKV.Core.Errors.DkvException"/> at once,
/// naming the package to install, when libzmq cannot be loaded.
/// </summary>
public sealed class ZmqTransportFactory : ITransportFactory
{
    public const string TransportName = "zmq";

    private readonly ZmqOptions _zmq;

    public ZmqTransportFactory()
        : this(new ZmqOptions())
    {
    }

    public ZmqTransportFactory(ZmqOptions zmq)
    {
        ArgumentNullException.ThrowIfNull(zmq);
        zmq.Validate();
        _zmq = zmq;
    }

    public string Name => TransportName;

    /// <summary>The loaded libzmq's version; throws <see cref="DKV.Core.Errors.DkvException"/> when libzmq is missing.</summary>
    public static Version LibraryVersion => ZmqNative.LibraryVersion();

    public IServerTransport CreateServer(ServerTransportOptions options, ILoggerFactory loggerFactory)
    {
        ZmqNative.EnsureAvailable();
        return new ZmqServerTransport(options, _zmq, loggerFactory);
    }

    public IClientTransport CreateClient(ClientTransportOptions options, ILoggerFactory loggerFactory)
    {
        ZmqNative.EnsureAvailable();
        return new ZmqClientTransport(options, _zmq, loggerFactory);
    }
}
