using System.Buffers;
using System.Buffers.Binary;

namespace DKV.Core.Protocol;

/// <summary>
/// The 20-byte header in front of every request and response payload: shard id, request id, payload length, little-endian.
/// A response echoes the shard id and request id of its request.
/// </summary>
/// <param name="ShardId">The shard the request is for.</param>
/// <param name="RequestId">Chosen by the client, unique among its requests in flight on one connection.</param>
/// <param name="PayloadLength">Bytes of payload that follow the header.</param>
public readonly record struct FrameHeader(ulong ShardId, ulong RequestId, uint PayloadLength)
{
    /// <summary>Writes the header to the first <see cref="WireProtocol.FrameHeaderBytes"/> bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, WireProtocol.FrameHeaderBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(destination, ShardId);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], RequestId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], PayloadLength);
    }

    /// <summary>Reads a header from the start of <paramref name="source"/>; false when fewer than 20 bytes are there.</summary>
    public static bool TryRead(in ReadOnlySequence<byte> source, out FrameHeader header)
    {
        if (source.Length < WireProtocol.FrameHeaderBytes)
        {
            header = default;
            return false;
        }

        Span<byte> bytes = stackalloc byte[WireProtocol.FrameHeaderBytes];
        source.Slice(0, WireProtocol.FrameHeaderBytes).CopyTo(bytes);
        header = Read(bytes);
        return true;
    }

    /// <summary>Reads a header from the first 20 bytes of <paramref name="source"/>.</summary>
    public static FrameHeader Read(ReadOnlySpan<byte> source)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(source.Length, WireProtocol.FrameHeaderBytes);
        return new FrameHeader(
            BinaryPrimitives.ReadUInt64LittleEndian(source),
            BinaryPrimitives.ReadUInt64LittleEndian(source[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[16..]));
    }
}
