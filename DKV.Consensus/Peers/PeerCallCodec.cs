using System.Text;
using DKV.Core.Errors;

namespace DKV.Consensus.Peers;

/// <summary>
/// Payloads of request and reply frames. Request: request id u64, group u64, kind u8, payload length u32, payload.
/// Reply: request id u64, error u8, applied u8, index u64, leader hint u64, message length u32, UTF-8 message.
/// </summary>
internal static class PeerCallCodec
{
    /// <summary>Bytes of a request besides its payload.</summary>
    public const int RequestHeaderBytes = 8 + 8 + 1 + 4;

    /// <summary>Bytes of a reply besides its message.</summary>
    public const int ReplyHeaderBytes = 8 + 1 + 1 + 8 + 8 + 4;

    /// <summary>Error messages longer than this many characters are cut.</summary>
    public const int MaxErrorMessageChars = 4096;

    public static int GetRequestSize(in PeerRequest request) => RequestHeaderBytes + request.Payload.Length;

    public static int EncodeRequest(Span<byte> destination, ulong requestId, in PeerRequest request)
    {
        var writer = new WireWriter(destination);
        writer.WriteUInt64(requestId);
        writer.WriteUInt64(request.GroupId);
        writer.WriteByte((byte)request.Kind);
        writer.WriteUInt32((uint)request.Payload.Length);
        writer.WriteBytes(request.Payload.Span);
        return writer.Written;
    }

    /// <summary>Reads a request; its payload is returned as a slice of <paramref name="source"/> (the caller copies it).</summary>
    public static ReadOnlySpan<byte> DecodeRequest(ReadOnlySpan<byte> source, out ulong requestId, out ulong groupId, out PeerRequestKind kind)
    {
        var reader = new WireReader(source, "peer request");
        requestId = reader.ReadUInt64();
        groupId = reader.ReadUInt64();
        kind = (PeerRequestKind)reader.ReadByte();
        int length = (int)Math.Min(reader.ReadUInt32(), int.MaxValue);
        ReadOnlySpan<byte> payload = reader.ReadBytes(length, "request payload");
        if (reader.Remaining != 0)
        {
            throw reader.Malformed($"{reader.Remaining} bytes after the request payload");
        }

        return payload;
    }

    public static string? ClipMessage(string? message) =>
        message is { Length: > MaxErrorMessageChars } ? message[..MaxErrorMessageChars] : message;

    public static int GetReplySize(in PeerReply reply) =>
        ReplyHeaderBytes + (reply.ErrorMessage is null ? 0 : Encoding.UTF8.GetByteCount(reply.ErrorMessage));

    public static int EncodeReply(Span<byte> destination, ulong requestId, in PeerReply reply)
    {
        var writer = new WireWriter(destination);
        writer.WriteUInt64(requestId);
        writer.WriteByte((byte)reply.Error);
        writer.WriteByte(reply.Applied ? (byte)1 : (byte)0);
        writer.WriteUInt64(reply.Index);
        writer.WriteUInt64(reply.LeaderHint);
        if (reply.ErrorMessage is null)
        {
            writer.WriteUInt32(uint.MaxValue);
            return writer.Written;
        }

        int length = Encoding.UTF8.GetByteCount(reply.ErrorMessage);
        writer.WriteUInt32((uint)length);
        int header = writer.Written;
        Encoding.UTF8.GetBytes(reply.ErrorMessage, destination[header..]);
        return header + length;
    }

    public static PeerReply DecodeReply(ReadOnlySpan<byte> source, out ulong requestId)
    {
        var reader = new WireReader(source, "peer reply");
        requestId = reader.ReadUInt64();
        var error = (DkvErrorCode)reader.ReadByte();
        byte applied = reader.ReadByte();
        if (applied > 1)
        {
            throw reader.Malformed($"applied flag is {applied}, not 0 or 1");
        }

        ulong index = reader.ReadUInt64();
        ulong leaderHint = reader.ReadUInt64();
        uint length = reader.ReadUInt32();
        string? message = length == uint.MaxValue ? null : Encoding.UTF8.GetString(reader.ReadBytes((int)Math.Min(length, int.MaxValue), "reply message"));
        return new PeerReply(error, message, applied == 1, index, leaderHint);
    }
}
