namespace DKV.Consensus.Peers;

/// <summary>
/// Payloads of snapshot frames. Chunk: transfer id u64, total data bytes u64, offset u64, header length u32, header (the
/// encoded <see cref="Raft.RaftMessage"/> without its snapshot data; only in the chunk at offset 0), then data bytes.
/// Acknowledgement: transfer id u64, succeeded u8.
/// </summary>
internal static class SnapshotChunkCodec
{
    /// <summary>Bytes of a chunk besides its message header and data.</summary>
    public const int ChunkHeaderBytes = 8 + 8 + 8 + 4;

    /// <summary>Bytes of an acknowledgement.</summary>
    public const int AckBytes = 9;

    public static int EncodeChunkHeader(Span<byte> destination, ulong transferId, long totalBytes, long offset, int messageHeaderBytes)
    {
        var writer = new WireWriter(destination);
        writer.WriteUInt64(transferId);
        writer.WriteUInt64((ulong)totalBytes);
        writer.WriteUInt64((ulong)offset);
        writer.WriteUInt32((uint)messageHeaderBytes);
        return writer.Written;
    }

    /// <summary>Reads a chunk; returns its data and puts the message header (empty after the first chunk) in <paramref name="messageHeader"/>.</summary>
    public static ReadOnlySpan<byte> DecodeChunk(
        ReadOnlySpan<byte> source, out ulong transferId, out ulong totalBytes, out ulong offset, out ReadOnlySpan<byte> messageHeader)
    {
        var reader = new WireReader(source, "snapshot chunk");
        transferId = reader.ReadUInt64();
        totalBytes = reader.ReadUInt64();
        offset = reader.ReadUInt64();
        int headerLength = (int)Math.Min(reader.ReadUInt32(), int.MaxValue);
        messageHeader = reader.ReadBytes(headerLength, "snapshot message header");
        if (offset != 0 && headerLength != 0)
        {
            throw reader.Malformed($"chunk at offset {offset} carries a message header; only the first chunk may");
        }

        return reader.ReadBytes(reader.Remaining, "snapshot data");
    }

    public static void EncodeAck(Span<byte> destination, ulong transferId, bool succeeded)
    {
        var writer = new WireWriter(destination);
        writer.WriteUInt64(transferId);
        writer.WriteByte(succeeded ? (byte)1 : (byte)0);
    }

    public static ulong DecodeAck(ReadOnlySpan<byte> source, out bool succeeded)
    {
        var reader = new WireReader(source, "snapshot acknowledgement");
        ulong transferId = reader.ReadUInt64();
        byte flag = reader.ReadByte();
        if (flag > 1 || reader.Remaining != 0)
        {
            throw reader.Malformed($"acknowledgement flag {flag} with {reader.Remaining} trailing bytes");
        }

        succeeded = flag == 1;
        return transferId;
    }
}
