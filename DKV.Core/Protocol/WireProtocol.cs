namespace DKV.Core.Protocol;

/// <summary>
/// Constants of the dKV.NET wire protocol (docs/protocol.md). Every integer on the wire is little-endian.
/// </summary>
public static class WireProtocol
{
    /// <summary>The protocol version this build speaks. A peer announcing another is refused in the handshake.</summary>
    public const ushort Version = 1;

    /// <summary>Bytes of a frame header: shard id (u64), request id (u64), payload length (u32).</summary>
    public const int FrameHeaderBytes = 20;

    /// <summary>Bytes of the fixed part of the client hello: magic (4), version (u16), serializer name length (u8).</summary>
    public const int HelloFixedBytes = 7;

    /// <summary>Bytes of the fixed part of the server reply: magic (4), version (u16), status (u8), reason length (u16).</summary>
    public const int ReplyFixedBytes = 9;

    /// <summary>Longest serializer name a hello may carry, in bytes.</summary>
    public const int MaxSerializerNameBytes = 64;

    /// <summary>Longest reason a reject reply may carry, in bytes (longer reasons are cut).</summary>
    public const int MaxRejectReasonBytes = 1024;

    /// <summary>The four bytes every handshake message starts with: ASCII <c>DKVN</c>.</summary>
    public static ReadOnlySpan<byte> Magic => "DKVN"u8;
}
