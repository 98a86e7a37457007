namespace DKV.Transports.ZeroMQ;

/// <summary>One client session on the server's ROUTER socket: its routing id, its connection and the descriptor it arrived on.</summary>
internal sealed class ZmqRouterPeer(ZmqRouter router, ulong key, byte[] routingId, int fileDescriptor, ZmqSessionConnection connection) : IZmqSessionLink
{
    public ulong Key { get; } = key;

    public byte[] RoutingId { get; } = routingId;

    public int FileDescriptor { get; } = fileDescriptor;

    public ZmqSessionConnection Connection { get; } = connection;

    /// <summary>True while the connection's input is full (I/O thread only).</summary>
    public bool InputPaused { get; set; }

    private volatile bool _closed;

    /// <summary>Set once the session ended (written on the I/O thread, read anywhere).</summary>
    public bool Closed
    {
        get => _closed;
        set => _closed = value;
    }

    public bool Send(byte[] rented, int length) => !Closed && router.Enqueue(new ZmqOutbound(rented, length, Control: false, Connection), RoutingId);

    public void Close(string reason) => router.PostClose(this, reason);
}
