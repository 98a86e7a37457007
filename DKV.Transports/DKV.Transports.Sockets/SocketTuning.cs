using System.Net.Sockets;
using DKV.Core.Transport;

namespace DKV.Transports.Sockets;

/// <summary>Applies the configured socket options to connected sockets.</summary>
internal static class SocketTuning
{
    public static void ApplyTcp(Socket socket, bool noDelay, TimeSpan keepAlive, TimeSpan? linger, int receiveBufferBytes, int sendBufferBytes)
    {
        socket.NoDelay = noDelay;
        if (keepAlive > TimeSpan.Zero)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            int seconds = (int)Math.Max(1, Math.Min(keepAlive.TotalSeconds, int.MaxValue));
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, seconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, seconds);
        }

        if (linger is { } l)
        {
            socket.LingerState = new LingerOption(true, (int)Math.Min(l.TotalSeconds, ushort.MaxValue));
        }

        ApplyBuffers(socket, receiveBufferBytes, sendBufferBytes);
    }

    public static void ApplyBuffers(Socket socket, int receiveBufferBytes, int sendBufferBytes)
    {
        if (receiveBufferBytes > 0)
        {
            socket.ReceiveBufferSize = receiveBufferBytes;
        }

        if (sendBufferBytes > 0)
        {
            socket.SendBufferSize = sendBufferBytes;
        }
    }

    /// <summary>Wraps a connected socket (owned from now on) as a duplex connection.</summary>
    public static IDuplexConnection Wrap(Socket socket, string remote, int readBufferBytes, int writeBufferBytes, TimeSpan closeTimeout) =>
        new StreamDuplexConnection(new NetworkStream(socket, ownsSocket: true), remote, readBufferBytes, writeBufferBytes, closeTimeout);
}
