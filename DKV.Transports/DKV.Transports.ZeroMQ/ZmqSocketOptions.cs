using DKV.Transports.ZeroMQ.Interop;

namespace DKV.Transports.ZeroMQ;

/// <summary>The socket options both sides set: bounded queues, bounded messages, bounded linger, heartbeats.</summary>
internal static class ZmqSocketOptions
{
    private const int ZMQ_IPV6 = 42;

    /// <param name="socket">A new socket (I/O thread).</param>
    /// <param name="options">The zmq settings.</param>
    /// <param name="maxFrameBytes">Largest frame payload; messages over payload + header are refused by libzmq (<c>ZMQ_MAXMSGSIZE</c>).</param>
    /// <param name="ipv6">Whether the endpoint is an IPv6 address.</param>
    /// <param name="reconnectInterval">libzmq's reconnect interval while dialling.</param>
    public static void Apply(ZmqSocketHandle socket, ZmqOptions options, int maxFrameBytes, bool ipv6, TimeSpan reconnectInterval)
    {
        ZmqNative.SetInt(socket, Libzmq.ZMQ_LINGER, (int)options.Linger.TotalMilliseconds);
        ZmqNative.SetInt(socket, Libzmq.ZMQ_SNDHWM, options.HighWaterMarkMessages);
        ZmqNative.SetInt(socket, Libzmq.ZMQ_RCVHWM, options.HighWaterMarkMessages);
        ZmqNative.SetLong(socket, Libzmq.ZMQ_MAXMSGSIZE, (long)maxFrameBytes + DKV.Core.Protocol.WireProtocol.FrameHeaderBytes);
        ZmqNative.SetInt(socket, Libzmq.ZMQ_RECONNECT_IVL, Math.Max(1, (int)reconnectInterval.TotalMilliseconds));
        if (options.HeartbeatInterval > TimeSpan.Zero)
        {
            int interval = Math.Max(1, (int)options.HeartbeatInterval.TotalMilliseconds);
            ZmqNative.SetInt(socket, Libzmq.ZMQ_HEARTBEAT_IVL, interval);
            ZmqNative.SetInt(socket, Libzmq.ZMQ_HEARTBEAT_TIMEOUT, interval * 3);
        }

        if (ipv6)
        {
            ZmqNative.SetInt(socket, ZMQ_IPV6, 1);
        }
    }
}
