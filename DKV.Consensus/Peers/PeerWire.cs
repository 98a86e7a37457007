using System.Buffers.Binary;
using DKV.Core.Errors;

namespace DKV.Consensus.Peers;

/// <summary>
/// The framing of a peer connection: a handshake each way (magic <c>DKVP</c>, protocol version u16, replica id u64), then
/// frames of kind u8, payload length u32 little-endian, payload. Every length is checked before anything is allocated.
/// </summary>
internal static class PeerWire
{
    /// <summary>The protocol version in the handshake; a peer speaking another version is refused.</summary>
    public const ushort ProtocolVersion = 1;

    /// <summary>Bytes of a handshake.</summary>
    public const int HandshakeBytes = 14;

    /// <summary>Bytes of a frame header.</summary>
    public const int FrameHeaderBytes = 5;

    private const uint Magic = 0x50564B44; // "DKVP" read as little-endian u32

    /// <summary>Writes this node's handshake.</summary>
    public static void WriteHandshake(Span<byte> destination, ulong replicaId)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], ProtocolVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[6..], replicaId);
    }

    /// <summary>Reads a peer's handshake and returns its replica id.</summary>
    /// <exception cref="DkvException">Not a dKV peer, or another protocol version (<see cref="DkvErrorCode.ProtocolMismatch"/>).</exception>
    public static ulong ReadHandshake(ReadOnlySpan<byte> source)
    {
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (magic != Magic)
        {
            throw new DkvException(
                DkvErrorCode.ProtocolMismatch,
                $"peer handshake starts with 0x{magic:X8}, not the magic 'DKVP'; the remote is not a dKV peer port (check --cluster-members)");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]);
        if (version != ProtocolVersion)
        {
            throw new DkvException(
                DkvErrorCode.ProtocolMismatch,
                $"peer speaks peer protocol version {version}, this node speaks {ProtocolVersion}; run the same dKV version on every node");
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(source[6..]);
    }

    /// <summary>Writes a frame header.</summary>
    public static void WriteFrameHeader(Span<byte> destination, PeerFrameKind kind, int payloadBytes)
    {
        destination[0] = (byte)kind;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[1..], checked((uint)payloadBytes));
    }

    /// <summary>Reads a frame header and checks the kind and the declared length against <paramref name="maxMessageBytes"/>.</summary>
    /// <exception cref="DkvException">An unknown kind (<see cref="DkvErrorCode.MalformedMessage"/>) or a length over the limit (<see cref="DkvErrorCode.TooLarge"/>).</exception>
    public static int ReadFrameHeader(ReadOnlySpan<byte> source, int maxMessageBytes, out PeerFrameKind kind)
    {
        byte kindByte = source[0];
        if (kindByte is < (byte)PeerFrameKind.RaftBatch or > (byte)PeerFrameKind.SnapshotAck)
        {
            throw new DkvException(DkvErrorCode.MalformedMessage, $"peer frame kind {kindByte} is unknown (known: 1-5); the peer is not speaking this protocol");
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(source[1..]);
        if (length > (uint)maxMessageBytes)
        {
            throw new DkvException(
                DkvErrorCode.TooLarge,
                $"peer frame declares {length} bytes, over the maximum of {maxMessageBytes} (MaxMessageBytes); raise it on every node or send smaller batches");
        }

        kind = (PeerFrameKind)kindByte;
        return (int)length;
    }
}
