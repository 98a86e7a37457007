using System.Net;
using System.Net.Sockets;
using DKV.Core.Errors;
using DKV.Core.Transport;

namespace DKV.Transports.Sockets;

/// <summary>Dials tcp endpoints (<c>host:port</c>; an empty host means 127.0.0.1) and applies the client's TCP options.</summary>
internal sealed class TcpConnectionDialer : IConnectionDialer
{
    public async ValueTask<IDuplexConnection> DialAsync(string endpoint, ClientTransportOptions options, CancellationToken cancellationToken)
    {
        TcpEndpoint parsed = TcpEndpoint.Parse(endpoint);
        if (parsed.Port == 0)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"tcp endpoint '{endpoint}' has port 0; a client needs the server's real port");
        }

        EndPoint target = parsed.Host.Length == 0
            ? new IPEndPoint(IPAddress.Loopback, parsed.Port)
            : IPAddress.TryParse(parsed.Host, out IPAddress? address) ? new IPEndPoint(address, parsed.Port) : new DnsEndPoint(parsed.Host, parsed.Port);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.RequestTimeout);
            try
            {
                await socket.ConnectAsync(target, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new DkvException(DkvErrorCode.Unavailable, $"cannot connect to tcp endpoint {endpoint}: no answer within {options.RequestTimeout}");
            }
            catch (SocketException ex)
            {
                throw new DkvException(DkvErrorCode.Unavailable, $"cannot connect to tcp endpoint {endpoint}: {ex.Message}", ex);
            }

            SocketTuning.ApplyTcp(socket, options.TcpNoDelay, options.TcpKeepAlive, options.TcpLinger, options.ReadBufferBytes, options.WriteBufferBytes);
            return SocketTuning.Wrap(socket, endpoint, options.ReadBufferBytes, options.WriteBufferBytes, options.RequestTimeout);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
