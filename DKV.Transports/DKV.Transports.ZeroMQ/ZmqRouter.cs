using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using DKV.Core.Errors;
using DKV.Core.Transport;
using DKV.Transports.ZeroMQ.Interop;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.ZeroMQ;

/// <summary>
/// The server's ROUTER socket, seen by the shared <see cref="ListenerServerTransport"/> as a listener: each OPEN from a new
/// routing id becomes one accepted <see cref="IDuplexConnection"/>. Disposing the listener only stops accepting (new sessions are
/// refused) so sessions can drain; <see cref="CloseAsync"/> closes the socket afterwards. A peer's session ends on its CLOSE, on
/// libzmq reporting its connection lost (matched by file descriptor), or when a send finds it gone (<c>ZMQ_ROUTER_MANDATORY</c>).
/// </summary>
/// <remarks>
/// One socket serves every peer, so when one peer's input is full the router stops reading until it drains (bounded memory, at
/// the price of head-of-line blocking while a connection is at its in-flight limit). Sending never blocks on one peer: a peer
/// whose queue reaches the high-water mark is cut off. All state is on the I/O thread.
/// </remarks>
internal sealed class ZmqRouter : IConnectionListenerFactory, IConnectionListener, IZmqPollable
{
    private const int MonitoredEvents = Libzmq.ZMQ_EVENT_ACCEPTED | Libzmq.ZMQ_EVENT_DISCONNECTED;
    private const int MaxRoutingIdBytes = 7;

    private readonly ZmqReactor _reactor;
    private readonly ZmqOptions _zmq;
    private readonly ILogger _logger;
    private readonly Dictionary<ulong, ZmqRouterPeer> _peers = [];
    private readonly Dictionary<int, List<ZmqRouterPeer>> _peersByDescriptor = [];
    private readonly ZmqSendQueue _sendQueue;
    private readonly Channel<IDuplexConnection> _accepted;
    private ServerTransportOptions _options = new();
    private ZmqSocketHandle? _socket;
    private ZmqMonitorPollable? _monitor;
    private volatile bool _accepting;
    private int _pausedPeers;

    public ZmqRouter(ZmqReactor reactor, ZmqOptions zmq, ILogger logger)
    {
        _reactor = reactor;
        _zmq = zmq;
        _logger = logger;
        _sendQueue = new ZmqSendQueue(reactor, FlushOutbound);
        _accepted = Channel.CreateBounded<IDuplexConnection>(new BoundedChannelOptions(zmq.MaxSessions) { SingleReader = true, SingleWriter = true });
    }

    public string BoundEndpoint { get; private set; } = string.Empty;

    public ZmqSocketHandle Socket => _socket ?? throw new InvalidOperationException("the zmq router is not bound");

    public short WantedEvents => (short)((_pausedPeers > 0 ? 0 : Libzmq.ZMQ_POLLIN) | (_sendQueue.IsBlocked ? Libzmq.ZMQ_POLLOUT : 0));

    /// <summary>Sessions open now.</summary>
    public int SessionCount { get; private set; }

    public async ValueTask<IConnectionListener> BindAsync(ServerTransportOptions options, CancellationToken cancellationToken)
    {
        _options = options;
        string address = ZmqEndpoint.ToAddress(options.Endpoint, server: true, out bool ipv6);
        string bound = await _reactor.InvokeAsync(() => Bind(address, ipv6)).WaitAsync(cancellationToken).ConfigureAwait(false);
        BoundEndpoint = ZmqEndpoint.ToBoundEndpoint(options.Endpoint, bound);
        ZmqLog.Listening(_logger, BoundEndpoint, ZmqNative.LibraryVersion().ToString());
        _accepting = true;
        return this;
    }

    public async ValueTask<IDuplexConnection> AcceptAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _accepted.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException("the zmq listener is closed", ex);
        }
    }

    /// <summary>Stops accepting: new sessions are refused from now on; open sessions carry on until the server closes them.</summary>
    public ValueTask DisposeAsync()
    {
        _accepting = false;
        if (_accepted.Writer.TryComplete())
        {
            while (_accepted.Reader.TryRead(out IDuplexConnection? unaccepted))
            {
                unaccepted.Abort();
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Closes every remaining session and the socket (after trying to send what is queued, within the linger time).</summary>
    public Task CloseAsync() => _reactor.InvokeAsync(() =>
    {
        Close();
        return true;
    });

    public void OnReactorStopping() => Close();

    private void Close()
    {
        foreach (ZmqRouterPeer peer in _peers.Values.ToList())
        {
            ClosePeer(peer, "the server stopped", sendClose: true);
        }

        if (_socket is { IsClosed: false })
        {
            _monitor?.Detach(_reactor, _socket);
            _monitor = null;
            _sendQueue.Flush(_socket, peerFailed: null);
            _sendQueue.Clear();
            _reactor.Unregister(this);
            _socket.Dispose();
        }
    }

    public bool Enqueue(ZmqOutbound message, byte[] routingId) => _sendQueue.Enqueue(message, routingId);

    public void PostClose(ZmqRouterPeer peer, string reason)
    {
        if (!peer.Closed)
        {
            _reactor.Post(() => ClosePeer(peer, reason, sendClose: true));
        }
    }

    public void OnReady(short events)
    {
        if ((events & Libzmq.ZMQ_POLLOUT) != 0)
        {
            FlushOutbound();
        }

        for (int i = 0; i < 256 && _pausedPeers == 0 && (events & Libzmq.ZMQ_POLLIN) != 0 && _socket is { IsClosed: false }; i++)
        {
            if (!ZmqNative.TryReceive(_socket, out byte[] id, out int idLength, out bool more, out _))
            {
                break;
            }

            ReceiveFrom(id, idLength, more);
        }
    }

    private string Bind(string address, bool ipv6)
    {
        ZmqSocketHandle socket = ZmqSocketHandle.Create(_reactor.Context, Libzmq.ZMQ_ROUTER);
        try
        {
            ZmqSocketOptions.Apply(socket, _zmq, _options.MaxFrameBytes, ipv6, TimeSpan.FromMilliseconds(100));
            ZmqNative.SetInt(socket, Libzmq.ZMQ_ROUTER_MANDATORY, 1);
            _monitor = ZmqMonitorPollable.Attach(_reactor, socket, MonitoredEvents, OnMonitorEvent);
            ZmqNative.Bind(socket, address);
        }
        catch (ZmqException ex)
        {
            _monitor?.Detach(_reactor, socket);
            _monitor = null;

            socket.Dispose();
            throw new DkvException(DkvErrorCode.Unavailable, $"cannot listen on zmq endpoint {_options.Endpoint}: {ex.Message}; choose another --transport-endpoint or stop what is using it", ex);
        }

        _socket = socket;
        _reactor.Register(this);
        return ZmqNative.LastEndpoint(socket);
    }

    private void ReceiveFrom(byte[] id, int idLength, bool more)
    {
        ulong key = idLength is > 0 and <= MaxRoutingIdBytes ? KeyOf(id.AsSpan(0, idLength)) : 0;
        if (!more || !ZmqNative.TryReceive(_socket!, out byte[] part, out int length, out bool partMore, out int descriptor))
        {
            Return(id);
            ZmqLog.MalformedMessage(_logger, "router", "a message with a routing id and no body");
            return;
        }

        if (key == 0)
        {
            Return(id);
            Return(part);
            DrainParts(partMore);
            ZmqLog.MalformedMessage(_logger, "router", $"a routing id of {idLength} bytes (clients must not set ZMQ_ROUTING_ID)");
            return;
        }

        byte[] routingId = id.AsSpan(0, idLength).ToArray();
        Return(id);
        if (length == 0 && partMore && ZmqNative.TryReceive(_socket!, out byte[] body, out int bodyLength, out bool bodyMore, out _))
        {
            DrainParts(bodyMore);
            byte kind = bodyLength > 0 ? body[0] : (byte)0;
            string reason = ZmqControl.ReasonOf(body.AsSpan(0, bodyLength));
            Return(body);
            Return(part);
            OnControl(key, routingId, descriptor, kind, reason);
            return;
        }

        DrainParts(partMore);
        OnData(key, routingId, part, length);
    }

    private void OnControl(ulong key, byte[] routingId, int descriptor, byte kind, string reason)
    {
        _peers.TryGetValue(key, out ZmqRouterPeer? peer);
        switch (kind)
        {
            case ZmqControl.Open when peer is null:
                Open(key, routingId, descriptor);
                break;
            case ZmqControl.Close when peer is not null:
                ClosePeer(peer, $"the client closed the session: {reason}", sendClose: false);
                break;
            default:
                ZmqLog.MalformedMessage(_logger, Describe(routingId), $"control message {ZmqControl.NameOf(kind)} in the wrong state");
                break;
        }
    }

    private void Open(ulong key, byte[] routingId, int descriptor)
    {
        string peerName = Describe(routingId);
        string? refusal = !_accepting ? "the server is shutting down; retry against another node"
            : _peers.Count >= _zmq.MaxSessions ? $"the server has {_zmq.MaxSessions} sessions open (MaxSessions); retry later or raise the limit"
            : null;
        var connection = new ZmqSessionConnection(peerName, serverSide: true, _options.MaxFrameBytes, _zmq.MaxQueuedMessagesPerSession, _options.ReadBufferBytes);
        var peer = new ZmqRouterPeer(this, key, routingId, descriptor, connection);
        connection.Start(peer);
        if (refusal is null && !_accepted.Writer.TryWrite(connection))
        {
            refusal = "the server is not accepting sessions now";
        }

        if (refusal is not null)
        {
            ZmqLog.SessionRefused(_logger, peerName, refusal);
            peer.Closed = true;
            connection.CompleteFromIo(null);
            _sendQueue.Enqueue(ZmqOutbound.ForControl(ZmqControl.Refused, refusal), routingId);
            return;
        }

        _peers[key] = peer;
        if (descriptor >= 0)
        {
            if (!_peersByDescriptor.TryGetValue(descriptor, out List<ZmqRouterPeer>? list))
            {
                _peersByDescriptor[descriptor] = list = [];
            }

            list.Add(peer);
        }

        SessionCount = _peers.Count;
        ZmqLog.SessionOpened(_logger, peerName);
        _sendQueue.Enqueue(ZmqOutbound.ForControl(ZmqControl.Opened, string.Empty), routingId);
    }

    private void OnData(ulong key, byte[] routingId, byte[] data, int length)
    {
        if (!_peers.TryGetValue(key, out ZmqRouterPeer? peer))
        {
            Return(data);
            _sendQueue.Enqueue(ZmqOutbound.ForControl(ZmqControl.Close, "no session for this connection (the server restarted or closed it); open a new one"), routingId);
            return;
        }

        ValueTask<FlushResult> flush = peer.Connection.DeliverFromIo(data, length, out string? malformed);
        if (malformed is not null)
        {
            ZmqLog.MalformedMessage(_logger, peer.Connection.RemoteEndpoint, malformed);
            ClosePeer(peer, malformed, sendClose: true);
        }
        else if (!flush.IsCompleted)
        {
            peer.InputPaused = true;
            _pausedPeers++;
            flush.AsTask().ContinueWith(_ => _reactor.Post(() => Resume(peer)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void Resume(ZmqRouterPeer peer)
    {
        if (peer.InputPaused)
        {
            peer.InputPaused = false;
            _pausedPeers--;
        }
    }

    private void ClosePeer(ZmqRouterPeer peer, string reason, bool sendClose)
    {
        if (peer.Closed)
        {
            return;
        }

        peer.Closed = true;
        Resume(peer);
        _peers.Remove(peer.Key);
        if (_peersByDescriptor.TryGetValue(peer.FileDescriptor, out List<ZmqRouterPeer>? list) && list.Remove(peer) && list.Count == 0)
        {
            _peersByDescriptor.Remove(peer.FileDescriptor);
        }

        SessionCount = _peers.Count;
        if (sendClose)
        {
            _sendQueue.Enqueue(ZmqOutbound.ForControl(ZmqControl.Close, reason), peer.RoutingId);
        }

        ZmqLog.SessionClosed(_logger, peer.Connection.RemoteEndpoint, reason);
        peer.Connection.CompleteFromIo(null);
    }

    private void OnMonitorEvent(ZmqMonitorEvent monitorEvent)
    {
        ZmqLog.SocketEvent(_logger, BoundEndpoint, monitorEvent.Name, monitorEvent.Value);
        // ACCEPTED with a descriptor still mapped means the old connection on it is gone (the descriptor was reused).
        if (monitorEvent.Event is Libzmq.ZMQ_EVENT_DISCONNECTED or Libzmq.ZMQ_EVENT_ACCEPTED
            && _peersByDescriptor.TryGetValue(monitorEvent.Value, out List<ZmqRouterPeer>? list))
        {
            foreach (ZmqRouterPeer peer in list.ToList())
            {
                ClosePeer(peer, "the client's connection was lost", sendClose: false);
            }
        }
    }

    private void FlushOutbound()
    {
        if (_socket is { IsClosed: false })
        {
            _sendQueue.Flush(_socket, OnPeerFailed);
        }
        else
        {
            _sendQueue.Clear();
        }
    }

    private void OnPeerFailed(byte[] routingId, int errno)
    {
        if (_peers.TryGetValue(KeyOf(routingId), out ZmqRouterPeer? peer))
        {
            string reason = errno == Libzmq.EAGAIN
                ? $"the client does not read its answers ({_zmq.HighWaterMarkMessages} messages waiting, the high-water mark)"
                : "the client is gone (its routing id is unknown to the socket)";
            ClosePeer(peer, reason, sendClose: false);
        }
    }

    private void DrainParts(bool more)
    {
        while (more && ZmqNative.TryReceive(_socket!, out byte[] extra, out _, out more, out _))
        {
            Return(extra);
        }
    }

    private static ulong KeyOf(ReadOnlySpan<byte> routingId)
    {
        ulong key = (ulong)routingId.Length << 56;
        for (int i = 0; i < routingId.Length; i++)
        {
            key |= (ulong)routingId[i] << (8 * i);
        }

        return key;
    }

    private static string Describe(byte[] routingId) => "zmq-peer-" + Convert.ToHexString(routingId);

    private static void Return(byte[] array)
    {
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
