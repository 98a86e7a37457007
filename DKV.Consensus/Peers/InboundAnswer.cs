namespace DKV.Consensus.Peers;

/// <summary>What an inbound session sends back: a reply to a request, or a snapshot acknowledgement.</summary>
internal readonly record struct InboundAnswer(ulong Id, PeerReply Reply, bool IsAck, bool AckSucceeded)
{
    public static InboundAnswer ForReply(ulong requestId, PeerReply reply) => new(requestId, reply, false, false);

    public static InboundAnswer ForAck(ulong transferId, bool succeeded) => new(transferId, default, true, succeeded);

    /// <summary>Appends this answer as one frame.</summary>
    public void WriteTo(PeerBatchBuffer buffer)
    {
        if (IsAck)
        {
            Span<byte> ack = buffer.GetSpan(PeerWire.FrameHeaderBytes + SnapshotChunkCodec.AckBytes);
            PeerWire.WriteFrameHeader(ack, PeerFrameKind.SnapshotAck, SnapshotChunkCodec.AckBytes);
            SnapshotChunkCodec.EncodeAck(ack[PeerWire.FrameHeaderBytes..], Id, AckSucceeded);
            buffer.Advance(PeerWire.FrameHeaderBytes + SnapshotChunkCodec.AckBytes);
            return;
        }

        int size = PeerCallCodec.GetReplySize(Reply);
        Span<byte> span = buffer.GetSpan(PeerWire.FrameHeaderBytes + size);
        PeerWire.WriteFrameHeader(span, PeerFrameKind.Reply, size);
        PeerCallCodec.EncodeReply(span[PeerWire.FrameHeaderBytes..], Id, Reply);
        buffer.Advance(PeerWire.FrameHeaderBytes + size);
    }
}
