using System.Buffers;
using System.IO.Pipelines;
using DKV.Core.Errors;
using DKV.Core.Transport;
using DKV.Transports.ZeroMQ.Interop;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.ZeroMQ;

/// <summary>
/// One client connection: a DEALER socket connected to one endpoint, watched by a socket monitor. The session opens with the
/// OPEN/OPENED exchange once libzmq reports the TCP (or ipc) connection; when libzmq reports it lost, or the server sends CLOSE,
/// the session ends and its connection's input fails, so the framing core fails requests in flight and its slot dials a new
/// session. A session never resumes on libzmq's automatic reconnect: the server would not know it.
/// All state is touched on the reactor's I/O thread, except <see cref="Send"/> and <see cref="Close"/>.
/// </summary>
internal sealed class ZmqDealerSession : IZmqPollable, IZmqSessionLink
{
    private const int MonitoredEvents = Libzmq.ZMQ_EVENT_CONNECTED | Libzmq.ZMQ_EVENT_CONNECT_RETRIED | Libzmq.ZMQ_EVENT_DISCONNECTED
        | Libzmq.ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | Libzmq.ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | Libzmq.ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;

    private readonly ZmqReactor _reactor;
    private readonly string _endpoint;
    private readonly ILogger _logger;
    private readonly ZmqSendQueue _sendQueue;
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ZmqMonitorPollable? _monitor;
    private bool _inputPaused;
    private volatile bool _closed;

    private ZmqDealerSession(ZmqReactor reactor, string endpoint, ZmqSocketHandle socket, ZmqSessionConnection connection, ILogger logger)
    {
        _reactor = reactor;
        _endpoint = endpoint;
        Socket = socket;
        Connection = connection;
        _logger = logger;
        _sendQueue = new ZmqSendQueue(reactor, FlushOutbound);
    }

    public ZmqSocketHandle Socket { get; }

    public ZmqSessionConnection Connection { get; }

    public short WantedEvents => (short)((_inputPaused ? 0 : Libzmq.ZMQ_POLLIN) | (_sendQueue.IsBlocked ? Libzmq.ZMQ_POLLOUT : 0));

    /// <summary>Creates, connects and opens a session; fails with <see cref="DkvErrorCode.Unavailable"/> when the server is not there or refuses.</summary>
    public static async ValueTask<IDuplexConnection> OpenAsync(ZmqReactor reactor, string endpoint, ClientTransportOptions options, ZmqOptions zmq, ILogger logger, CancellationToken cancellationToken)
    {
        string address = ZmqEndpoint.ToAddress(endpoint, server: false, out bool ipv6);
        var connection = new ZmqSessionConnection(endpoint, serverSide: false, options.MaxFrameBytes, zmq.MaxQueuedMessagesPerSession, options.ReadBufferBytes);
        ZmqDealerSession session = await reactor.InvokeAsync(() => Create(reactor, endpoint, address, ipv6, connection, options, zmq, logger)).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            await session._opened.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            return connection;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            session.Close("no OPENED in time");
            throw new DkvException(DkvErrorCode.Unavailable, $"cannot connect to zmq endpoint {endpoint}: no session within {options.RequestTimeout}; is a dKV.NET server with --transport zmq listening there?");
        }
        catch (Exception)
        {
            session.Close("open failed");
            throw;
        }
    }

    public bool Send(byte[] rented, int length) =>
        !_closed && _sendQueue.Enqueue(new ZmqOutbound(rented, length, Control: false, Connection), routingId: null);

    public void Close(string reason)
    {
        if (!_closed && !_reactor.Post(() => Teardown(reason, sendClose: true, orderly: true)))
        {
            _opened.TrySetException(new DkvException(DkvErrorCode.Unavailable, "the zmq client transport was disposed"));
        }
    }

    public void OnReactorStopping() => Teardown("the zmq client transport was disposed", sendClose: true, orderly: true);

    public void OnReady(short events)
    {
        if ((events & Libzmq.ZMQ_POLLOUT) != 0)
        {
            FlushOutbound();
        }

        for (int i = 0; i < 256 && !_closed && !_inputPaused && (events & Libzmq.ZMQ_POLLIN) != 0; i++)
        {
            if (!ZmqNative.TryReceive(Socket, out byte[] data, out int length, out bool more, out _))
            {
                break;
            }

            if (length == 0 && more)
            {
                ReceiveControl();
            }
            else
            {
                ReceiveData(data, length, more);
            }
        }
    }

    private static ZmqDealerSession Create(ZmqReactor reactor, string endpoint, string address, bool ipv6, ZmqSessionConnection connection, ClientTransportOptions options, ZmqOptions zmq, ILogger logger)
    {
        ZmqSocketHandle socket = ZmqSocketHandle.Create(reactor.Context, Libzmq.ZMQ_DEALER);
        var session = new ZmqDealerSession(reactor, endpoint, socket, connection, logger);
        try
        {
            ZmqSocketOptions.Apply(socket, zmq, options.MaxFrameBytes, ipv6, options.RetryBaseDelay);
            // ZMQ_IMMEDIATE stays 0: with 1, libzmq drops the messages already received when the connection drops, which
            // would lose a draining server's last answers. Nothing is sent before OPENED, and the socket closes on disconnect.
            ZmqNative.SetInt(socket, Libzmq.ZMQ_IMMEDIATE, 0);
            session._monitor = ZmqMonitorPollable.Attach(reactor, socket, MonitoredEvents, session.OnMonitorEvent);
            ZmqNative.Connect(socket, address);
        }
        catch (ZmqException ex)
        {
            session.Teardown(ex.Message, sendClose: false, orderly: false);
            throw new DkvException(DkvErrorCode.Unavailable, $"cannot connect to zmq endpoint {endpoint}: {ex.Message}", ex);
        }

        connection.Start(session);
        reactor.Register(session);
        return session;
    }

    private void OnMonitorEvent(ZmqMonitorEvent monitorEvent)
    {
        ZmqLog.SocketEvent(_logger, _endpoint, monitorEvent.Name, monitorEvent.Value);
        switch (monitorEvent.Event)
        {
            case Libzmq.ZMQ_EVENT_CONNECTED when !_opened.Task.IsCompleted:
                _sendQueue.Enqueue(ZmqOutbound.ForControl(ZmqControl.Open, string.Empty), routingId: null);
                break;
            case Libzmq.ZMQ_EVENT_CONNECT_RETRIED when !_opened.Task.IsCompleted:
                Teardown("nothing accepted the connection", sendClose: false, orderly: false);
                break;
            case Libzmq.ZMQ_EVENT_DISCONNECTED:
                // The monitor may report the loss before the last messages (a drained server's answers, its CLOSE) are read.
                OnReady(Libzmq.ZMQ_POLLIN);
                Teardown($"the zmq connection to {_endpoint} was lost", sendClose: false, orderly: true);
                break;
            case Libzmq.ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL or Libzmq.ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL or Libzmq.ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
                Teardown($"the ZMTP handshake with {_endpoint} failed (is it a ZeroMQ ROUTER?)", sendClose: false, orderly: false);
                break;
            default:
                break;
        }
    }

    private void ReceiveControl()
    {
        if (!ZmqNative.TryReceive(Socket, out byte[] body, out int length, out bool more, out _))
        {
            return;
        }

        byte kind = length > 0 ? body[0] : (byte)0;
        string reason = ZmqControl.ReasonOf(body.AsSpan(0, length));
        ReturnArray(body);
        DrainParts(more);
        switch (kind)
        {
            case ZmqControl.Opened:
                _opened.TrySetResult();
                break;
            case ZmqControl.Refused:
                Teardown($"the server refused the session: {reason}", sendClose: false, orderly: false);
                break;
            case ZmqControl.Close:
                Teardown($"the server closed the session: {reason}", sendClose: false, orderly: true);
                break;
            default:
                ZmqLog.MalformedMessage(_logger, _endpoint, $"unexpected control message {ZmqControl.NameOf(kind)}");
                break;
        }
    }

    private void ReceiveData(byte[] data, int length, bool more)
    {
        DrainParts(more);
        if (!_opened.Task.IsCompletedSuccessfully || length == 0)
        {
            ReturnArray(data);
            ZmqLog.MalformedMessage(_logger, _endpoint, $"a data message of {length} bytes outside an open session");
            return;
        }

        ValueTask<FlushResult> flush = Connection.DeliverFromIo(data, length, out string? malformed);
        if (malformed is not null)
        {
            ZmqLog.MalformedMessage(_logger, _endpoint, malformed);
            Teardown(malformed, sendClose: true, orderly: false);
        }
        else if (!flush.IsCompleted)
        {
            _inputPaused = true;
            flush.AsTask().ContinueWith(_ => _reactor.Post(() => _inputPaused = false), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void DrainParts(bool more)
    {
        while (more && ZmqNative.TryReceive(Socket, out byte[] extra, out _, out more, out _))
        {
            ReturnArray(extra);
        }
    }

    private void FlushOutbound()
    {
        if (_closed)
        {
            _sendQueue.Clear();
            return;
        }

        _sendQueue.Flush(Socket, peerFailed: null);
    }

    /// <summary>Ends the session (I/O thread): tells the server where asked, closes both sockets, fails the input and the opening.</summary>
    private void Teardown(string reason, bool sendClose, bool orderly)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        if (sendClose && _opened.Task.IsCompletedSuccessfully)
        {
            ZmqNative.TrySend(Socket, [], more: true);
            byte[] body = ZmqControl.Encode(ZmqControl.Close, reason);
            ZmqNative.TrySend(Socket, body, more: false);
        }

        _sendQueue.Clear();
        _monitor?.Detach(_reactor, Socket);
        _reactor.Unregister(this);
        Socket.Dispose();

        ZmqLog.SessionClosed(_logger, _endpoint, reason);
        // An orderly end lets the reader take what was delivered before it (a drained server's last answers, a refusal reply);
        // an exception would hide them.
        Connection.CompleteFromIo(orderly ? null : new IOException(reason));
        _opened.TrySetException(new DkvException(DkvErrorCode.Unavailable, $"cannot connect to zmq endpoint {_endpoint}: {reason}"));
    }

    private static void ReturnArray(byte[] array)
    {
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
