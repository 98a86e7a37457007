using System.Net.Sockets;
using DKV.Core.Errors;
using DKV.Core.Transport;

namespace DKV.Transports.Sockets;

/// <summary>Dials Unix domain sockets; the endpoint is the socket file's path.</summary>
internal sealed class UnixConnectionDialer : IConnectionDialer
{
    public async ValueTask<IDuplexConnection> DialAsync(string endpoint, ClientTransportOptions options, CancellationToken cancellationToken)
    {
        UnixSocketPath.Validate(endpoint);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.RequestTimeout);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(endpoint), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new DkvException(DkvErrorCode.Unavailable, $"cannot connect to unix socket {endpoint}: no answer within {options.RequestTimeout}");
            }
            catch (SocketException ex)
            {
                throw new DkvException(DkvErrorCode.Unavailable, $"cannot connect to unix socket {endpoint}: {ex.Message}; is a dKV server running with --transport unix on that path?", ex);
            }

            SocketTuning.ApplyBuffers(socket, options.ReadBufferBytes, options.WriteBufferBytes);
            return SocketTuning.Wrap(socket, endpoint, options.ReadBufferBytes, options.WriteBufferBytes, options.RequestTimeout);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
