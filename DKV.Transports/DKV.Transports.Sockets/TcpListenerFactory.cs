using System.Net;
using System.Net.Sockets;
using DKV.Core.Errors;
using DKV.Core.Transport;

namespace DKV.Transports.Sockets;

/// <summary>Binds tcp endpoints (<c>host:port</c>; <c>:port</c> binds every interface) and tunes accepted sockets.</summary>
internal sealed class TcpListenerFactory : IConnectionListenerFactory
{
    private const int Backlog = 512;

    public async ValueTask<IConnectionListener> BindAsync(ServerTransportOptions options, CancellationToken cancellationToken)
    {
        TcpEndpoint parsed = TcpEndpoint.Parse(options.Endpoint);
        IPAddress address = await ResolveAsync(parsed, options.Endpoint, cancellationToken).ConfigureAwait(false);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, parsed.Port));
            socket.Listen(Backlog);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new DkvException(DkvErrorCode.Unavailable, $"cannot listen on tcp endpoint {options.Endpoint}: {ex.Message}; choose another --transport-endpoint or stop what is using it", ex);
        }

        string bound = TcpEndpoint.Format((IPEndPoint)socket.LocalEndPoint!);
        return new SocketConnectionListener(
            socket,
            bound,
            options,
            accepted => SocketTuning.ApplyTcp(accepted, options.TcpNoDelay, options.TcpKeepAlive, options.TcpLinger, options.ReadBufferBytes, options.WriteBufferBytes),
            accepted => accepted.RemoteEndPoint is IPEndPoint remote ? TcpEndpoint.Format(remote) : "tcp peer",
            cleanup: null);
    }

    private static async ValueTask<IPAddress> ResolveAsync(TcpEndpoint parsed, string endpoint, CancellationToken cancellationToken)
    {
        if (parsed.Host.Length == 0)
        {
            return IPAddress.Any;
        }

        if (IPAddress.TryParse(parsed.Host, out IPAddress? address))
        {
            return address;
        }

        try
        {
            IPAddress[] addresses = await Dns.GetHostAddressesAsync(parsed.Host, cancellationToken).ConfigureAwait(false);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new DkvException(DkvErrorCode.InvalidArgument, $"tcp endpoint {endpoint}: host '{parsed.Host}' has no address");
        }
        catch (SocketException ex)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"tcp endpoint {endpoint}: cannot resolve host '{parsed.Host}': {ex.Message}", ex);
        }
    }
}
