using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;
using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Consensus.Peers;

/// <summary>
/// A connection a peer opened to this node: Raft batches, snapshot chunks and requests come in; replies and snapshot
/// acknowledgements go back on it, batched by one writer loop. The peer is known by the id in its handshake only.
/// </summary>
internal sealed class InboundSession : IPeerFrameSink
{
    private readonly PeerNetworkContext _context;
    private readonly PeerConnection _connection;
    private readonly IReadOnlySet<ulong> _knownPeers;
    private readonly Channel<InboundAnswer> _answers = Channel.CreateUnbounded<InboundAnswer>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _scope;
    private SnapshotAssembly? _assembly;
    private ulong _refusedTransferId;
    private ulong _peerId;
    private int _requestsInFlight;

    public InboundSession(PeerNetworkContext context, Socket socket, IReadOnlySet<ulong> knownPeers, CancellationToken stop)
    {
        _context = context;
        _connection = new PeerConnection(socket);
        _knownPeers = knownPeers;
        _scope = CancellationTokenSource.CreateLinkedTokenSource(stop);
    }

    /// <summary>Runs the session until the peer disconnects, sends something bad, or the network stops. Never throws.</summary>
    public async Task RunAsync()
    {
        Task writing = Task.CompletedTask;
        try
        {
            _peerId = await HandshakeAsync().ConfigureAwait(false);
            PeerLog.InboundAccepted(_context.Logger, _context.LocalId, _peerId, _connection.Remote);
            writing = WriteAnswersAsync();
            await _connection.ReadFramesAsync(this, _context.MaxFramePayloadBytes, _scope.Token).ConfigureAwait(false);
            PeerLog.InboundEnded(_context.Logger, _context.LocalId, _peerId, _connection.Remote);
        }
        catch (Exception exception) when (exception is SocketException or IOException or DkvException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_scope.IsCancellationRequested)
            {
                PeerLog.InboundClosed(_context.Logger, _context.LocalId, _connection.Remote, exception.Message);
            }
        }

        await _scope.CancelAsync().ConfigureAwait(false);
        _answers.Writer.TryComplete();
        _connection.Dispose();
        await writing.ConfigureAwait(false);
        _scope.Dispose();
    }

    /// <summary>Closes the connection at once (shutdown).</summary>
    public void Abort() => _connection.Dispose();

    public void OnFrame(PeerFrameKind kind, ReadOnlySpan<byte> payload)
    {
        switch (kind)
        {
            case PeerFrameKind.RaftBatch:
                DeliverBatch(payload);
                break;
            case PeerFrameKind.SnapshotChunk:
                OnSnapshotChunk(payload);
                break;
            case PeerFrameKind.Request:
                OnRequest(payload);
                break;
            default:
                throw new DkvException(DkvErrorCode.MalformedMessage, $"peer {_peerId} sent a {kind} frame on the request direction of a connection");
        }
    }

    private async Task<ulong> HandshakeAsync()
    {
        using var timeout = new CancellationTokenSource(_context.Options.ConnectTimeout, _context.Options.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_scope.Token, timeout.Token);
        ulong peerId;
        try
        {
            peerId = await _connection.ExchangeHandshakeAsync(_context.LocalId, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !_scope.IsCancellationRequested)
        {
            throw new DkvException(DkvErrorCode.Timeout, $"no handshake within {_context.Options.ConnectTimeout} (ConnectTimeout)");
        }

        if (!_knownPeers.Contains(peerId))
        {
            throw new DkvException(
                DkvErrorCode.ProtocolMismatch,
                $"the peer says it is replica {peerId}, which is not among this node's peers ({string.Join(", ", _knownPeers)}); fix --cluster-members");
        }

        return peerId;
    }

    private void DeliverBatch(ReadOnlySpan<byte> payload)
    {
        while (!payload.IsEmpty)
        {
            RaftMessage message = RaftMessageCodec.Decode(payload, out int consumed);
            payload = payload[consumed..];
            CheckAddressing(message);
            Deliver(message);
        }
    }

    private void CheckAddressing(RaftMessage message)
    {
        if (message.From != _peerId || message.To != _context.LocalId)
        {
            throw new DkvException(
                DkvErrorCode.MalformedMessage,
                $"a message from {message.From} to {message.To} arrived on the connection of peer {_peerId} to replica {_context.LocalId}; the peer is misconfigured");
        }
    }

    private bool Deliver(RaftMessage message)
    {
        try
        {
            _context.Handler.OnRaftMessage(message);
            return true;
        }
        catch (Exception exception)
        {
            // The handler must not throw; a failure here must not cost the other groups their connection.
            PeerLog.DeliveryFailed(_context.Logger, _context.LocalId, _peerId, exception);
            return false;
        }
    }

    private void OnSnapshotChunk(ReadOnlySpan<byte> payload)
    {
        ReadOnlySpan<byte> data = SnapshotChunkCodec.DecodeChunk(payload, out ulong transferId, out ulong totalBytes, out ulong offset, out ReadOnlySpan<byte> header);
        if (offset == 0)
        {
            _assembly = SnapshotAssembly.Start(transferId, totalBytes, header, _context.Options.MaxSnapshotBytes, out ulong groupId);
            if (_assembly is null)
            {
                PeerLog.SnapshotTooLarge(_context.Logger, _context.LocalId, (long)Math.Min(totalBytes, long.MaxValue), _peerId, groupId, _context.Options.MaxSnapshotBytes);
                _refusedTransferId = transferId;
                _answers.Writer.TryWrite(InboundAnswer.ForAck(transferId, succeeded: false));
                return;
            }
        }
        else if (transferId == _refusedTransferId)
        {
            return;
        }

        if (_assembly is null || _assembly.TransferId != transferId)
        {
            throw new DkvException(DkvErrorCode.MalformedMessage, $"snapshot chunk at offset {offset} of transfer {transferId}, which was never started on this connection");
        }

        if (_assembly.Add(offset, data) is { } message)
        {
            _assembly = null;
            CheckAddressing(message);
            bool delivered = Deliver(message);
            _answers.Writer.TryWrite(InboundAnswer.ForAck(transferId, delivered));
        }
    }

    private void OnRequest(ReadOnlySpan<byte> payload)
    {
        ReadOnlySpan<byte> body = PeerCallCodec.DecodeRequest(payload, out ulong requestId, out ulong groupId, out PeerRequestKind kind);
        if (Interlocked.Increment(ref _requestsInFlight) > _context.Options.MaxOutstandingCalls)
        {
            Interlocked.Decrement(ref _requestsInFlight);
            string message = $"replica {_context.LocalId} already handles {_context.Options.MaxOutstandingCalls} requests from peer {_peerId} (MaxOutstandingCalls); not applied, retry later";
            _answers.Writer.TryWrite(InboundAnswer.ForReply(requestId, new PeerReply(DkvErrorCode.Unavailable, message, false, 0, 0)));
            return;
        }

        // The handler may finish later: the payload is copied out of the read buffer into a rented array it may use until then.
        byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(body.Length, 1));
        body.CopyTo(rented);
        var request = new PeerRequest(groupId, kind, rented.AsMemory(0, body.Length));
        _ = HandleRequestAsync(requestId, request, rented);
    }

    /// <summary>Runs the handler and queues its reply. Catches everything, so the discarded task never faults.</summary>
    private async Task HandleRequestAsync(ulong requestId, PeerRequest request, byte[] rented)
    {
        PeerReply reply;
        try
        {
            reply = await _context.Handler.OnRequestAsync(_peerId, request, _scope.Token).ConfigureAwait(false);
        }
        catch (DkvException exception)
        {
            reply = new PeerReply(exception.Code, exception.Message, false, 0, 0);
        }
        catch (OperationCanceledException) when (_scope.IsCancellationRequested)
        {
            reply = new PeerReply(DkvErrorCode.Unavailable, $"replica {_context.LocalId} is shutting down", false, 0, 0);
        }
        catch (Exception exception)
        {
            PeerLog.HandlerFailed(_context.Logger, _context.LocalId, _peerId, request.GroupId, exception);
            reply = new PeerReply(DkvErrorCode.Internal, $"replica {_context.LocalId} failed to handle the request for group {request.GroupId}: {exception.Message}", false, 0, 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
            Interlocked.Decrement(ref _requestsInFlight);
        }

        _answers.Writer.TryWrite(InboundAnswer.ForReply(requestId, reply with { ErrorMessage = PeerCallCodec.ClipMessage(reply.ErrorMessage) }));
    }

    private async Task WriteAnswersAsync()
    {
        using var buffer = new PeerBatchBuffer(16 * 1024);
        try
        {
            while (await _answers.Reader.WaitToReadAsync(_scope.Token).ConfigureAwait(false))
            {
                buffer.Reset();
                while (buffer.WrittenCount < _context.BatchBytes && _answers.Reader.TryRead(out InboundAnswer answer))
                {
                    answer.WriteTo(buffer);
                }

                await _connection.SendAsync(buffer.WrittenMemory, _scope.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The read loop sees the same broken connection and logs it; closing here ends that loop too.
            _connection.Dispose();
        }
    }
}
