using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace DKV.Core.Protocol;

/// <summary>
/// Encodes and decodes the two handshake messages (docs/protocol.md, "Handshake"). Readers consume bytes only when they return
/// <see cref="HandshakeReadStatus.Complete"/>, and check the magic and every length before reading further.
/// </summary>
public static class HandshakeCodec
{
    private const byte StatusAccept = 0;
    private const byte StatusReject = 1;

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Writes a client hello. Throws <see cref="ArgumentException"/> for a name that is empty, too long or not printable ASCII.</summary>
    public static void WriteHello(IBufferWriter<byte> destination, in ClientHello hello)
    {
        ArgumentNullException.ThrowIfNull(destination);
        string name = hello.SerializerName;
        if (!IsValidSerializerName(name))
        {
            throw new ArgumentException($"serializer name '{name}' must be 1 to {WireProtocol.MaxSerializerNameBytes} printable ASCII characters", nameof(hello));
        }

        Span<byte> span = destination.GetSpan(WireProtocol.HelloFixedBytes + name.Length);
        WireProtocol.Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], hello.Version);
        span[6] = (byte)name.Length;
        Encoding.ASCII.GetBytes(name, span[7..]);
        destination.Advance(WireProtocol.HelloFixedBytes + name.Length);
    }

    /// <summary>Reads a client hello from the start of <paramref name="buffer"/>; on success slices it off.</summary>
    public static HandshakeReadStatus TryReadHello(ref ReadOnlySequence<byte> buffer, out ClientHello hello, out string invalidReason)
    {
        hello = default;
        if (!CheckMagic(buffer, out invalidReason))
        {
            return HandshakeReadStatus.Invalid;
        }

        if (buffer.Length < WireProtocol.HelloFixedBytes)
        {
            return HandshakeReadStatus.NeedMoreData;
        }

        Span<byte> head = stackalloc byte[WireProtocol.HelloFixedBytes];
        buffer.Slice(0, WireProtocol.HelloFixedBytes).CopyTo(head);
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(head[4..]);
        int nameLength = head[6];
        if (nameLength is 0 or > WireProtocol.MaxSerializerNameBytes)
        {
            invalidReason = $"serializer name length {nameLength} is outside 1..{WireProtocol.MaxSerializerNameBytes}";
            return HandshakeReadStatus.Invalid;
        }

        if (buffer.Length < WireProtocol.HelloFixedBytes + nameLength)
        {
            return HandshakeReadStatus.NeedMoreData;
        }

        Span<byte> nameBytes = stackalloc byte[nameLength];
        buffer.Slice(WireProtocol.HelloFixedBytes, nameLength).CopyTo(nameBytes);
        foreach (byte b in nameBytes)
        {
            if (b is < 0x21 or > 0x7E)
            {
                invalidReason = $"serializer name contains byte 0x{b:x2}; only printable ASCII is allowed";
                return HandshakeReadStatus.Invalid;
            }
        }

        hello = new ClientHello(version, Encoding.ASCII.GetString(nameBytes));
        buffer = buffer.Slice(WireProtocol.HelloFixedBytes + nameLength);
        return HandshakeReadStatus.Complete;
    }

    /// <summary>Writes a server reply; a reason longer than <see cref="WireProtocol.MaxRejectReasonBytes"/> is cut at a character boundary.</summary>
    public static void WriteReply(IBufferWriter<byte> destination, in ServerReply reply)
    {
        ArgumentNullException.ThrowIfNull(destination);
        string reason = reply.Accepted ? string.Empty : reply.Reason ?? string.Empty;
        byte[] reasonBytes = s_utf8.GetBytes(reason);
        int reasonLength = reasonBytes.Length;
        while (reasonLength > WireProtocol.MaxRejectReasonBytes || (reasonLength < reasonBytes.Length && (reasonBytes[reasonLength] & 0xC0) == 0x80))
        {
            reasonLength--;
        }

        Span<byte> span = destination.GetSpan(WireProtocol.ReplyFixedBytes + reasonLength);
        WireProtocol.Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], reply.Version);
        span[6] = reply.Accepted ? StatusAccept : StatusReject;
        BinaryPrimitives.WriteUInt16LittleEndian(span[7..], (ushort)reasonLength);
        reasonBytes.AsSpan(0, reasonLength).CopyTo(span[WireProtocol.ReplyFixedBytes..]);
        destination.Advance(WireProtocol.ReplyFixedBytes + reasonLength);
    }

    /// <summary>Reads a server reply from the start of <paramref name="buffer"/>; on success slices it off.</summary>
    public static HandshakeReadStatus TryReadReply(ref ReadOnlySequence<byte> buffer, out ServerReply reply, out string invalidReason)
    {
        reply = default;
        if (!CheckMagic(buffer, out invalidReason))
        {
            return HandshakeReadStatus.Invalid;
        }

        if (buffer.Length < WireProtocol.ReplyFixedBytes)
        {
            return HandshakeReadStatus.NeedMoreData;
        }

        Span<byte> head = stackalloc byte[WireProtocol.ReplyFixedBytes];
        buffer.Slice(0, WireProtocol.ReplyFixedBytes).CopyTo(head);
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(head[4..]);
        byte status = head[6];
        int reasonLength = BinaryPrimitives.ReadUInt16LittleEndian(head[7..]);
        if (status is not (StatusAccept or StatusReject))
        {
            invalidReason = $"reply status {status} is neither 0 (accept) nor 1 (reject)";
            return HandshakeReadStatus.Invalid;
        }

        if (reasonLength > WireProtocol.MaxRejectReasonBytes)
        {
            invalidReason = $"reply reason length {reasonLength} exceeds {WireProtocol.MaxRejectReasonBytes}";
            return HandshakeReadStatus.Invalid;
        }

        if (buffer.Length < WireProtocol.ReplyFixedBytes + reasonLength)
        {
            return HandshakeReadStatus.NeedMoreData;
        }

        string reason = s_utf8.GetString(buffer.Slice(WireProtocol.ReplyFixedBytes, reasonLength));
        reply = new ServerReply(version, status == StatusAccept, reason);
        buffer = buffer.Slice(WireProtocol.ReplyFixedBytes + reasonLength);
        return HandshakeReadStatus.Complete;
    }

    /// <summary>True when <paramref name="name"/> can be announced in a hello.</summary>
    public static bool IsValidSerializerName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= WireProtocol.MaxSerializerNameBytes && name.All(c => c is >= '!' and <= '~');

    /// <summary>False (with a reason) as soon as the bytes seen so far differ from the magic, so garbage is refused early.</summary>
    private static bool CheckMagic(in ReadOnlySequence<byte> buffer, out string invalidReason)
    {
        int available = (int)Math.Min(buffer.Length, WireProtocol.Magic.Length);
        Span<byte> seen = stackalloc byte[4];
        buffer.Slice(0, available).CopyTo(seen);
        if (!seen[..available].SequenceEqual(WireProtocol.Magic[..available]))
        {
            invalidReason = $"bad magic {Convert.ToHexString(seen[..available])}, expected {Convert.ToHexString(WireProtocol.Magic)} (\"DKVN\"); the peer does not speak the dKV.NET protocol";
            return false;
        }

        invalidReason = string.Empty;
        return true;
    }
}
