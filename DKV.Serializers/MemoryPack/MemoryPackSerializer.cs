using System.Buffers;
using System.Buffers.Binary;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using DKV.Serializers.Text;

namespace DKV.Serializers.MemoryPack;

/// <summary>
/// The <c>memorypack</c> format: MemoryPack's published wire format for a <c>[MemoryPackable]</c> class with the members of
/// <see cref="Message"/> in the same order, so a .NET client using the MemoryPack package with that class (docs/serializers.md)
/// talks to a dKV server unchanged. Serializing allocates nothing; deserializing allocates only the strings and byte fields.
/// </summary>
/// <remarks>
/// Layout, little-endian: member count (<c>0x0a</c>), Type (1 byte), Key (string), ExpireIn and DeleteIn (TimeSpan ticks, int64),
/// Value (byte[]: int32 length, -1 for null, then the bytes), Ok (1 byte), Index (uint64), ErrorCode (1 byte), Error (string), Meta (byte[]).
/// Strings are written in MemoryPack's default UTF-8 form (int32 <c>~utf8ByteCount</c>, int32 UTF-16 length, bytes; -1 null, 0 empty)
/// and read in both the UTF-8 and the UTF-16 form. Durations are whole milliseconds: ticks are cut to milliseconds on both sides.
/// A smaller member count (an older schema) leaves the missing trailing members at their defaults, as MemoryPack does. Thread-safe.
/// </remarks>
public sealed class MemoryPackSerializer : IRpcSerializer
{
    public const string SerializerName = "memorypack";

    /// <summary>The number of members of the message object.</summary>
    public const byte MemberCount = 10;

    private const string Format = "memorypack";
    private const int NullLength = -1;

    public string Name => SerializerName;

    public void Serialize(in Message message, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        long expireTicks = (long)DurationCodec.ToWire(message.ExpireIn) * TimeSpan.TicksPerMillisecond;
        long deleteTicks = (long)DurationCodec.ToWire(message.DeleteIn) * TimeSpan.TicksPerMillisecond;
        int keyBytes = message.Key is null ? 0 : StrictUtf8.GetByteCount(message.Key, Format, "key");
        int errorBytes = message.Error is null ? 0 : StrictUtf8.GetByteCount(message.Error, Format, "error");

        // header + type, key, two ticks, value, ok + index + error code, error, meta
        int size = 2 + SizeOfString(message.Key, keyBytes) + 16 + SizeOfBytes(message.Value) + 10
            + SizeOfString(message.Error, errorBytes) + SizeOfBytes(message.Meta);
        Span<byte> span = destination.GetSpan(size);
        span[0] = MemberCount;
        span[1] = (byte)message.Type;
        int at = WriteString(span, 2, message.Key, keyBytes);
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], expireTicks);
        BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], deleteTicks);
        at = WriteBytes(span, at + 16, message.Value);
        span[at] = message.Ok ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt64LittleEndian(span[(at + 1)..], message.Index);
        span[at + 9] = (byte)message.ErrorCode;
        at = WriteString(span, at + 10, message.Error, errorBytes);
        at = WriteBytes(span, at, message.Meta);
        destination.Advance(at);
    }

    public Message Deserialize(ReadOnlySpan<byte> source)
    {
        var reader = new MemoryPackSpanReader(source);
        byte count = reader.ReadByte("member count");
        if (count == MemoryPackSpanReader.NullObject)
        {
            throw MemoryPackSpanReader.Malformed("the message object is null (member count 255)");
        }

        if (count > MemberCount)
        {
            throw MemoryPackSpanReader.Malformed($"member count {count} is larger than the {MemberCount} members of a message");
        }

        // Members in declaration order; an older schema with fewer members leaves the rest at their defaults.
        MessageType type = count > 0 ? (MessageType)reader.ReadByte("Type") : MessageType.Unknown;
        string? key = count > 1 ? reader.ReadString("Key") : null;
        TimeSpan expireIn = count > 2 ? reader.ReadDuration("ExpireIn") : TimeSpan.Zero;
        TimeSpan deleteIn = count > 3 ? reader.ReadDuration("DeleteIn") : TimeSpan.Zero;
        ReadOnlyMemory<byte>? value = count > 4 ? reader.ReadBytes("Value") : default(ReadOnlyMemory<byte>?);
        bool ok = count > 5 && reader.ReadBool("Ok");
        ulong index = count > 6 ? reader.ReadUInt64("Index") : 0;
        DkvErrorCode errorCode = count > 7 ? (DkvErrorCode)reader.ReadByte("ErrorCode") : DkvErrorCode.None;
        string? error = count > 8 ? reader.ReadString("Error") : null;
        ReadOnlyMemory<byte>? meta = count > 9 ? reader.ReadBytes("Meta") : default(ReadOnlyMemory<byte>?);
        reader.EnsureEnd();
        return new Message
        {
            Type = type,
            Key = key,
            ExpireIn = expireIn,
            DeleteIn = deleteIn,
            Value = value,
            Ok = ok,
            Index = index,
            ErrorCode = errorCode,
            Error = error,
            Meta = meta,
        };
    }

    private static int SizeOfString(string? text, int utf8Bytes) => text switch
    {
        null or "" => 4,
        _ => 8 + utf8Bytes,
    };

    private static int SizeOfBytes(ReadOnlyMemory<byte>? bytes) => 4 + (bytes?.Length ?? 0);

    private static int WriteString(Span<byte> span, int at, string? text, int utf8Bytes)
    {
        switch (text)
        {
            case null:
                BinaryPrimitives.WriteInt32LittleEndian(span[at..], NullLength);
                return at + 4;
            case "":
                BinaryPrimitives.WriteInt32LittleEndian(span[at..], 0);
                return at + 4;
            default:
                // (int ~utf8-byte-count, int utf16-length, utf8-bytes): MemoryPack's default UTF-8 string form.
                BinaryPrimitives.WriteInt32LittleEndian(span[at..], ~utf8Bytes);
                BinaryPrimitives.WriteInt32LittleEndian(span[(at + 4)..], text.Length);
                return at + 8 + StrictUtf8.GetBytes(text, span[(at + 8)..]);
        }
    }

    private static int WriteBytes(Span<byte> span, int at, ReadOnlyMemory<byte>? bytes)
    {
        if (bytes is not { } b)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], NullLength);
            return at + 4;
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[at..], b.Length);
        b.Span.CopyTo(span[(at + 4)..]);
        return at + 4 + b.Length;
    }
}
