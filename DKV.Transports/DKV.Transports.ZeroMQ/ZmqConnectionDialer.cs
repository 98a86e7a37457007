using DKV.Core.Transport;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.ZeroMQ;

/// <summary>Dials zmq sessions (one DEALER socket each) on the client's I/O thread.</summary>
internal sealed class ZmqConnectionDialer(ZmqReactor reactor, ZmqOptions zmq, ILogger logger) : IConnectionDialer
{
    public ValueTask<IDuplexConnection> DialAsync(string endpoint, ClientTransportOptions options, CancellationToken cancellationToken) =>
        ZmqDealerSession.OpenAsync(reactor, endpoint, options, zmq, logger, cancellationToken);
}
