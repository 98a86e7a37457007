using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Consensus.Peers;

/// <summary>The writer loop: batching queued messages and calls into frames, snapshot chunks, and what failure drops.</summary>
internal sealed partial class PeerLink
{
    /// <summary>Snapshots queued behind the one in transfer; more than this and the oldest is reported failed.</summary>
    private const int MaxSnapshotsWaiting = 4;

    private async Task WriteLoopAsync(PeerConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_activeSnapshot is null && _snapshotsWaiting.Count == 0
                && !await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            _batch.Reset();
            FillBatch();
            AppendSnapshotChunk();
            if (_batch.WrittenCount > 0)
            {
                Interlocked.Increment(ref _writesIssued);
                await connection.SendAsync(_batch.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Moves queued items into the batch buffer, many Raft messages per frame, until about one batch is full.</summary>
    private void FillBatch()
    {
        int frameStart = -1;
        while (_batch.WrittenCount < _context.BatchBytes && _queue.Reader.TryRead(out OutboundItem item))
        {
            if (item.Call is { } call)
            {
                CloseRaftFrame(ref frameStart);
                if (call.TryMarkSent())
                {
                    WriteRequest(call);
                }

                continue;
            }

            RaftMessage message = item.Message!;
            Interlocked.Decrement(ref _queuedCount);
            Interlocked.Add(ref _queuedBytes, -item.Bytes);
            if (message.Snapshot is not null)
            {
                QueueSnapshot(message);
                continue;
            }

            if (frameStart >= 0 && _batch.WrittenCount - frameStart - PeerWire.FrameHeaderBytes + item.Bytes > _context.MaxFramePayloadBytes)
            {
                CloseRaftFrame(ref frameStart);
            }

            if (frameStart < 0)
            {
                frameStart = _batch.WrittenCount;
                _batch.GetSpan(PeerWire.FrameHeaderBytes);
                _batch.Advance(PeerWire.FrameHeaderBytes);
            }

            int written = RaftMessageCodec.Encode(message, _batch.GetSpan(item.Bytes));
            _batch.Advance(written);
        }

        CloseRaftFrame(ref frameStart);
    }

    private void CloseRaftFrame(ref int frameStart)
    {
        if (frameStart < 0)
        {
            return;
        }

        int payload = _batch.WrittenCount - frameStart - PeerWire.FrameHeaderBytes;
        PeerWire.WriteFrameHeader(_batch.Written(frameStart, PeerWire.FrameHeaderBytes), PeerFrameKind.RaftBatch, payload);
        frameStart = -1;
    }

    private void WriteRequest(PendingCall call)
    {
        PeerRequest request = call.Request;
        int size = PeerCallCodec.GetRequestSize(request);
        Span<byte> span = _batch.GetSpan(PeerWire.FrameHeaderBytes + size);
        PeerWire.WriteFrameHeader(span, PeerFrameKind.Request, size);
        PeerCallCodec.EncodeRequest(span[PeerWire.FrameHeaderBytes..], call.RequestId, request);
        _batch.Advance(PeerWire.FrameHeaderBytes + size);
    }

    private void QueueSnapshot(RaftMessage message)
    {
        if (_snapshotsWaiting.Count >= MaxSnapshotsWaiting)
        {
            ReportSnapshot(_snapshotsWaiting.Dequeue().GroupId, succeeded: false);
        }

        _snapshotsWaiting.Enqueue(message);
    }

    /// <summary>Adds the next chunk of the snapshot in transfer, so other traffic shares the connection between chunks.</summary>
    private void AppendSnapshotChunk()
    {
        if (_activeSnapshot is null && _snapshotsWaiting.TryDequeue(out RaftMessage? next))
        {
            byte[] header = new byte[RaftMessageCodec.GetEncodedSize(next, includeSnapshotData: false)];
            RaftMessageCodec.Encode(next, header, includeSnapshotData: false);
            _activeSnapshot = new SnapshotTransfer(++_nextTransferId, next, header);
        }

        if (_activeSnapshot is not { } transfer)
        {
            return;
        }

        int headerBytes = transfer.Offset == 0 ? transfer.Header.Length : 0;
        int dataBytes = Math.Min(_context.Options.SnapshotChunkBytes, transfer.Data.Length - transfer.Offset);
        int payload = SnapshotChunkCodec.ChunkHeaderBytes + headerBytes + dataBytes;
        if (payload > _context.MaxFramePayloadBytes)
        {
            // Only a header with a huge voter list can get here: the options check keeps chunks under the frame limit.
            PeerLog.MessageTooLarge(_context.Logger, _context.LocalId, nameof(RaftMessageType.InstallSnapshot), PeerId, payload, _context.MaxFramePayloadBytes);
            _activeSnapshot = null;
            ReportSnapshot(transfer.Message.GroupId, succeeded: false);
            return;
        }

        Span<byte> span = _batch.GetSpan(PeerWire.FrameHeaderBytes + payload);
        PeerWire.WriteFrameHeader(span, PeerFrameKind.SnapshotChunk, payload);
        int at = PeerWire.FrameHeaderBytes;
        at += SnapshotChunkCodec.EncodeChunkHeader(span[at..], transfer.TransferId, transfer.Data.Length, transfer.Offset, headerBytes);
        transfer.Header.AsSpan(0, headerBytes).CopyTo(span[at..]);
        at += headerBytes;
        transfer.Data.Span.Slice(transfer.Offset, dataBytes).CopyTo(span[at..]);
        _batch.Advance(PeerWire.FrameHeaderBytes + payload);
        transfer.Offset += dataBytes;
        if (transfer.Offset == transfer.Data.Length)
        {
            // Registered before the last chunk is written, so the acknowledgement cannot arrive first.
            lock (_awaitingAck)
            {
                _awaitingAck[transfer.TransferId] = transfer.Message.GroupId;
            }

            _activeSnapshot = null;
        }
    }

    private void ReportSnapshot(ulong groupId, bool succeeded) =>
        Notify((handler, link) => handler.OnSnapshotSent(groupId, link.PeerId, succeeded));

    /// <summary>After a connection failure or at shutdown: drops the queue, fails calls and snapshots. Returns the messages dropped.</summary>
    private int DropEverything(string why)
    {
        int dropped = 0;
        while (_queue.Reader.TryRead(out OutboundItem item))
        {
            if (item.Call is { } queuedCall)
            {
                FailCall(queuedCall, DkvErrorCode.ConnectionLost, why);
                continue;
            }

            dropped++;
            Interlocked.Decrement(ref _queuedCount);
            Interlocked.Add(ref _queuedBytes, -item.Bytes);
            if (item.Message!.Snapshot is not null)
            {
                ReportSnapshot(item.Message.GroupId, succeeded: false);
            }
        }

        foreach (PendingCall call in _calls.Values)
        {
            FailCall(call, DkvErrorCode.ConnectionLost, why);
        }

        FailSnapshots();
        return dropped;
    }

    private void FailSnapshots()
    {
        var failed = new List<ulong>();
        if (_activeSnapshot is { } active)
        {
            failed.Add(active.Message.GroupId);
            _activeSnapshot = null;
        }

        while (_snapshotsWaiting.TryDequeue(out RaftMessage? waiting))
        {
            failed.Add(waiting.GroupId);
        }

        lock (_awaitingAck)
        {
            failed.AddRange(_awaitingAck.Values);
            _awaitingAck.Clear();
        }

        foreach (ulong groupId in failed)
        {
            ReportSnapshot(groupId, succeeded: false);
        }
    }

    /// <summary>Replies and snapshot acknowledgements from the peer, on the read loop.</summary>
    public void OnFrame(PeerFrameKind kind, ReadOnlySpan<byte> payload)
    {
        if (kind == PeerFrameKind.Reply)
        {
            PeerReply reply = PeerCallCodec.DecodeReply(payload, out ulong requestId);
            if (_calls.TryGetValue(requestId, out PendingCall? call) && call.TryComplete(reply))
            {
                Forget(call);
            }
            else
            {
                PeerLog.LateReply(_context.Logger, _context.LocalId, PeerId, requestId);
            }

            return;
        }

        if (kind != PeerFrameKind.SnapshotAck)
        {
            throw new DkvException(DkvErrorCode.MalformedMessage, $"peer {PeerId} sent a {kind} frame on the reply direction of a connection; only replies and snapshot acknowledgements come back");
        }

        ulong transferId = SnapshotChunkCodec.DecodeAck(payload, out bool succeeded);
        ulong groupId;
        lock (_awaitingAck)
        {
            if (!_awaitingAck.Remove(transferId, out groupId))
            {
                throw new DkvException(DkvErrorCode.MalformedMessage, $"peer {PeerId} acknowledged snapshot transfer {transferId}, which is not awaiting an acknowledgement");
            }
        }

        ReportSnapshot(groupId, succeeded);
    }
}
