using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading.Channels;
using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Consensus.Peers;

/// <summary>
/// This node's side of the connection to one peer: a bounded send queue, one writer loop that batches everything queued
/// into one write, the replies and snapshot acknowledgements coming back, and reconnection with backoff.
/// Thread-safe for <see cref="TrySend"/> and <see cref="CallAsync"/>; everything else runs on the link's own loop.
/// </summary>
internal sealed partial class PeerLink : IPeerFrameSink, IAsyncDisposable
{
    private static readonly Action<object?> s_onCallCancelled = OnCallCancelled;

    private readonly PeerNetworkContext _context;
    private readonly Channel<OutboundItem> _queue = Channel.CreateUnbounded<OutboundItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<ulong, PendingCall> _calls = new();
    private readonly Dictionary<ulong, ulong> _awaitingAck = [];
    private readonly Queue<RaftMessage> _snapshotsWaiting = new();
    private readonly PeerBatchBuffer _batch = new(64 * 1024);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private SnapshotTransfer? _activeSnapshot;
    private long _writesIssued;
    private int _queuedCount;
    private long _queuedBytes;
    private int _outstandingCalls;
    private long _nextRequestId;
    private ulong _nextTransferId;
    private volatile bool _down;
    private volatile string? _readFailure;

    public PeerLink(PeerNetworkContext context, ulong peerId, string address)
    {
        _context = context;
        PeerId = peerId;
        Address = address;
    }

    public ulong PeerId { get; }

    public string Address { get; }

    /// <summary>Socket writes so far (a diagnostic: many messages go out per write).</summary>
    public long WritesIssued => Interlocked.Read(ref _writesIssued);

    /// <summary>Starts connecting and sending.</summary>
    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Queues a message of <paramref name="bytes"/> counted bytes; false (dropped) when the queue is full or closed.</summary>
    public bool TrySend(RaftMessage message, int bytes)
    {
        TcpPeerNetworkOptions options = _context.Options;
        if (Interlocked.Increment(ref _queuedCount) > options.QueueCapacity)
        {
            Interlocked.Decrement(ref _queuedCount);
            return false;
        }

        if (Interlocked.Add(ref _queuedBytes, bytes) > options.QueueBytes)
        {
            Interlocked.Add(ref _queuedBytes, -bytes);
            Interlocked.Decrement(ref _queuedCount);
            return false;
        }

        if (!_queue.Writer.TryWrite(new OutboundItem(message, null, bytes)))
        {
            Interlocked.Add(ref _queuedBytes, -bytes);
            Interlocked.Decrement(ref _queuedCount);
            return false;
        }

        return true;
    }

    /// <summary>Queues a request and waits for its reply; see <see cref="IPeerNetwork.CallAsync"/> for the errors.</summary>
    public ValueTask<PeerReply> CallAsync(PeerRequest request, CancellationToken cancellationToken)
    {
        if (_down)
        {
            throw Unavailable("the connection to it is down; reconnecting in the background");
        }

        if (Interlocked.Increment(ref _outstandingCalls) > _context.Options.MaxOutstandingCalls)
        {
            Interlocked.Decrement(ref _outstandingCalls);
            throw Unavailable($"{_context.Options.MaxOutstandingCalls} calls are already outstanding (MaxOutstandingCalls)");
        }

        var call = new PendingCall((ulong)Interlocked.Increment(ref _nextRequestId), request);
        _calls[call.RequestId] = call;
        if (cancellationToken.CanBeCanceled)
        {
            call.Registration = cancellationToken.UnsafeRegister(s_onCallCancelled, (this, call));
        }

        if (!_queue.Writer.TryWrite(new OutboundItem(null, call, 0)))
        {
            FailCall(call, DkvErrorCode.ConnectionLost, "the network is shutting down");
        }

        return new ValueTask<PeerReply>(call.Task);
    }

    /// <summary>Stops the loop, closes the connection and fails everything pending.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        DropEverything("the peer network is shutting down");
        _batch.Dispose();
        _stop.Dispose();
    }

    private DkvException Unavailable(string why) =>
        new(DkvErrorCode.Unavailable, $"peer {PeerId} at {Address} is unavailable: {why}; the request was not sent (safe to retry)");

    private static void OnCallCancelled(object? state)
    {
        (PeerLink link, PendingCall call) = ((PeerLink, PendingCall))state!;
        link.FailCall(call, DkvErrorCode.Timeout, "the caller's deadline passed before the reply came");
    }

    private void FailCall(PendingCall call, DkvErrorCode sentCode, string why)
    {
        string notSent = $"call to peer {PeerId} at {Address} for group {call.Request.GroupId} failed before it was sent: {why}; it was not applied (safe to retry)";
        string sent = $"call to peer {PeerId} at {Address} for group {call.Request.GroupId} failed after it was sent: {why}; it may have been applied";
        if (call.TryFail(sentCode, notSent, sent))
        {
            Forget(call);
        }
    }

    private void Forget(PendingCall call)
    {
        if (_calls.TryRemove(new KeyValuePair<ulong, PendingCall>(call.RequestId, call)))
        {
            Interlocked.Decrement(ref _outstandingCalls);
        }
    }

    private async Task RunAsync()
    {
        int failures = 0;
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            string reason = await RunConnectionAsync(() => failures = 0, stop).ConfigureAwait(false);
            if (stop.IsCancellationRequested)
            {
                return;
            }

            failures++;
            _down = true;
            int dropped = DropEverything($"connection lost ({reason})");
            TimeSpan delay = PeerBackoff.ForFailure(_context.Options.ReconnectBaseDelay, _context.Options.ReconnectMaxDelay, failures);
            PeerLog.Unreachable(_context.Logger, _context.LocalId, PeerId, Address, failures, reason, dropped, (long)delay.TotalMilliseconds);
            Notify(static (handler, link) => handler.OnPeerUnreachable(link.PeerId));
            try
            {
                await Task.Delay(delay, _context.Options.Time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _down = false;
        }
    }

    /// <summary>Connects, then writes until the connection fails; returns why it ended.</summary>
    private async Task<string> RunConnectionAsync(Action onConnected, CancellationToken stop)
    {
        PeerConnection? connection = null;
        using var connectionScope = CancellationTokenSource.CreateLinkedTokenSource(stop);
        Task reading = Task.CompletedTask;
        string reason;
        try
        {
            connection = await ConnectAsync(stop).ConfigureAwait(false);
            onConnected();
            PeerLog.Connected(_context.Logger, _context.LocalId, PeerId, Address);
            _readFailure = null;
            reading = ReadRepliesAsync(connection, connectionScope);
            await WriteLoopAsync(connection, connectionScope.Token).ConfigureAwait(false);
            reason = "the send queue closed";
        }
        catch (Exception exception) when (exception is SocketException or IOException or DkvException or OperationCanceledException or ObjectDisposedException)
        {
            reason = _readFailure ?? exception.Message;
        }

        await connectionScope.CancelAsync().ConfigureAwait(false);
        connection?.Dispose();
        await reading.ConfigureAwait(false);
        return _readFailure ?? reason;
    }

    private async Task<PeerConnection> ConnectAsync(CancellationToken stop)
    {
        (string host, int port) = TcpPeerAddress.Parse(Address, "peer address");
        using var timeout = new CancellationTokenSource(_context.Options.ConnectTimeout, _context.Options.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        PeerConnection? connection = null;
        try
        {
            await socket.ConnectAsync(host, port, linked.Token).ConfigureAwait(false);
            connection = new PeerConnection(socket);
            ulong remoteId = await connection.ExchangeHandshakeAsync(_context.LocalId, linked.Token).ConfigureAwait(false);
            if (remoteId != PeerId)
            {
                throw new DkvException(
                    DkvErrorCode.ProtocolMismatch,
                    $"{Address} answered as replica {remoteId}, but it is configured as replica {PeerId}; fix --cluster-members");
            }

            return connection;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            DisposeFailed(connection, socket);
            throw new DkvException(DkvErrorCode.Timeout, $"no connection and handshake within {_context.Options.ConnectTimeout} (ConnectTimeout)");
        }
        catch (Exception)
        {
            DisposeFailed(connection, socket);
            throw;
        }
    }

    private static void DisposeFailed(PeerConnection? connection, Socket socket)
    {
        if (connection is null)
        {
            socket.Dispose();
        }
        else
        {
            connection.Dispose();
        }
    }

    private async Task ReadRepliesAsync(PeerConnection connection, CancellationTokenSource connectionScope)
    {
        try
        {
            await connection.ReadFramesAsync(this, _context.MaxFramePayloadBytes, connectionScope.Token).ConfigureAwait(false);
            _readFailure ??= "the peer closed the connection";
        }
        catch (Exception exception) when (exception is SocketException or IOException or DkvException or OperationCanceledException or ObjectDisposedException)
        {
            _readFailure ??= connectionScope.IsCancellationRequested ? null : exception.Message;
        }

        await connectionScope.CancelAsync().ConfigureAwait(false);
        connection.Dispose();
    }

    private void Notify(Action<IPeerHandler, PeerLink> callback)
    {
        try
        {
            callback(_context.Handler, this);
        }
        catch (Exception exception)
        {
            // The handler must not throw; log it and keep the link alive rather than stop talking to the peer.
            PeerLog.DeliveryFailed(_context.Logger, _context.LocalId, PeerId, exception);
        }
    }
}
