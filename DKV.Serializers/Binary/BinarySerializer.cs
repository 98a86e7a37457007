using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using DKV.Serializers.Text;

namespace DKV.Serializers.Binary;

/// <summary>
/// The compact binary format (<c>binary</c>): a type byte, a presence-flag byte, then only the present fields, little-endian.
/// Exact layout in docs/serializers.md. Serializing allocates nothing; deserializing allocates only the key and error strings and
/// one array that holds the value and the meta (both read-only views of it).
/// </summary>
/// <remarks>
/// The error field is a code byte and a text whose length <c>0xFFFFFFFF</c> means null text, so a code without text and an
/// empty text stay distinct. Strings must be valid UTF-16 (a lone surrogate is an invalid argument) and are read as strict UTF-8.
/// </remarks>
public sealed class BinarySerializer : IRpcSerializer
{
    public const string SerializerName = "binary";

    private const byte FlagKey = 1 << 0;
    private const byte FlagExpireIn = 1 << 1;
    private const byte FlagDeleteIn = 1 << 2;
    private const byte FlagValue = 1 << 3;
    private const byte FlagOk = 1 << 4;
    private const byte FlagError = 1 << 5;
    private const byte FlagMeta = 1 << 6;
    private const byte FlagIndex = 1 << 7;

    private const string Format = "binary";
    private const uint NullLength = uint.MaxValue;
    private const int ExactCountMinChars = 1024;

    public string Name => SerializerName;

    public void Serialize(in Message message, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        string? key = message.Key;
        string? error = message.Error;
        ReadOnlyMemory<byte>? value = message.Value;
        ReadOnlyMemory<byte>? meta = message.Meta;
        ulong expireMs = DurationCodec.ToWire(message.ExpireIn);
        ulong deleteMs = DurationCodec.ToWire(message.DeleteIn);
        ulong index = message.Index;
        DkvErrorCode code = message.ErrorCode;
        byte flags = Flags(key, expireMs, deleteMs, value, message.Ok, code, error, meta, index);

        // One pass over each string: reserve its worst-case UTF-8 size, transcode straight into the span, then write the
        // length in front. Nothing is committed (Advance) until every field is written, so a failure leaves the writer as it was.
        int size = 2 + 8 + 8 + 8 + 4 + MaxBytes(key, "key") + (1 + 4) + MaxBytes(error, "error");
        size += 4 + (value?.Length ?? 0) + 4 + (meta?.Length ?? 0);
        Span<byte> span = destination.GetSpan(size);
        span[0] = (byte)message.Type;
        span[1] = flags;
        int at = 2;
        if (key is not null)
        {
            at = WriteString(span, at, key, "key");
        }

        at = WriteOptional(span, at, expireMs);
        at = WriteOptional(span, at, deleteMs);
        if (value is { } v)
        {
            at = WriteBytes(span, at, v.Span);
        }

        if ((flags & FlagError) != 0)
        {
            span[at++] = (byte)code;
            if (error is null)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span[at..], NullLength);
                at += 4;
            }
            else
            {
                at = WriteString(span, at, error, "error");
            }
        }

        if (meta is { } m)
        {
            at = WriteBytes(span, at, m.Span);
        }

        at = WriteOptional(span, at, index);
        destination.Advance(at);
    }

    public Message Deserialize(ReadOnlySpan<byte> source)
    {
        var reader = new BinarySpanReader(source);
        var type = (MessageType)reader.ReadByte("message type");
        byte flags = reader.ReadByte("flags");
        string? key = (flags & FlagKey) != 0 ? reader.ReadString("key", NullLength) : null;
        TimeSpan expireIn = (flags & FlagExpireIn) != 0 ? DurationCodec.FromWire(reader.ReadUInt64("expireIn")) : TimeSpan.Zero;
        TimeSpan deleteIn = (flags & FlagDeleteIn) != 0 ? DurationCodec.FromWire(reader.ReadUInt64("deleteIn")) : TimeSpan.Zero;
        (int Start, int Length) valueAt = (flags & FlagValue) != 0 ? reader.SkipBytes("value") : default;
        DkvErrorCode code = DkvErrorCode.None;
        string? error = null;
        if ((flags & FlagError) != 0)
        {
            code = (DkvErrorCode)reader.ReadByte("error code");
            error = reader.ReadString("error", NullLength, allowNull: true);
        }

        (int Start, int Length) metaAt = (flags & FlagMeta) != 0 ? reader.SkipBytes("meta") : default;
        ulong index = (flags & FlagIndex) != 0 ? reader.ReadUInt64("index") : 0;
        reader.EnsureEnd();

        // Value and meta share one array (both are read-only views), so a message costs at most one byte allocation.
        ReadOnlyMemory<byte>? value = null;
        ReadOnlyMemory<byte>? meta = null;
        if ((flags & (FlagValue | FlagMeta)) != 0)
        {
            byte[] bytes = valueAt.Length + metaAt.Length == 0 ? [] : GC.AllocateUninitializedArray<byte>(valueAt.Length + metaAt.Length);
            source.Slice(valueAt.Start, valueAt.Length).CopyTo(bytes);
            source.Slice(metaAt.Start, metaAt.Length).CopyTo(bytes.AsSpan(valueAt.Length));
            // Not a conditional expression: its null would convert through byte[] into an empty (present) memory.
            if ((flags & FlagValue) != 0)
            {
                value = new ReadOnlyMemory<byte>(bytes, 0, valueAt.Length);
            }

            if ((flags & FlagMeta) != 0)
            {
                meta = new ReadOnlyMemory<byte>(bytes, valueAt.Length, metaAt.Length);
            }
        }

        return new Message
        {
            Type = type,
            Key = key,
            ExpireIn = expireIn,
            DeleteIn = deleteIn,
            Value = value,
            Ok = (flags & FlagOk) != 0,
            ErrorCode = code,
            Error = error,
            Meta = meta,
            Index = index,
        };
    }

    private static byte Flags(
        string? key, ulong expireMs, ulong deleteMs, ReadOnlyMemory<byte>? value, bool ok, DkvErrorCode code, string? error, ReadOnlyMemory<byte>? meta, ulong index)
    {
        int flags = key is null ? 0 : FlagKey;
        flags |= expireMs != 0 ? FlagExpireIn : 0;
        flags |= deleteMs != 0 ? FlagDeleteIn : 0;
        flags |= value.HasValue ? FlagValue : 0;
        flags |= ok ? FlagOk : 0;
        flags |= code != DkvErrorCode.None || error is not null ? FlagError : 0;
        flags |= meta.HasValue ? FlagMeta : 0;
        flags |= index != 0 ? FlagIndex : 0;
        return (byte)flags;
    }

    // The UTF-8 size to reserve: three bytes per UTF-16 unit bounds every string (a surrogate pair is two units and four bytes).
    // Long strings are counted exactly instead, so a large key does not reserve three times its size (and cannot overflow).
    private static int MaxBytes(string? text, string field)
    {
        if (text is null)
        {
            return 0;
        }

        return text.Length <= ExactCountMinChars ? text.Length * 3 : StrictUtf8.GetByteCount(text, Format, field);
    }

    private static int WriteOptional(Span<byte> span, int at, ulong number)
    {
        if (number == 0)
        {
            return at;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(span[at..], number);
        return at + 8;
    }

    private static int WriteString(Span<byte> span, int at, string text, string field)
    {
        // ASCII (nearly every key and error text) narrows in one vectorized pass; anything else takes the UTF-8 transcoder.
        if (Ascii.FromUtf16(text, span[(at + 4)..], out int narrowed) == OperationStatus.Done)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[at..], (uint)narrowed);
            return at + 4 + narrowed;
        }

        OperationStatus status = Utf8.FromUtf16(text, span[(at + 4)..], out int read, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            throw new DkvException(
                DkvErrorCode.InvalidArgument,
                $"{Format} serializer: {field} contains a lone UTF-16 surrogate at index {read}; strings must be valid Unicode to be sent as UTF-8");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], (uint)written);
        return at + 4 + written;
    }

    private static int WriteBytes(Span<byte> span, int at, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], (uint)bytes.Length);
        at += 4;
        bytes.CopyTo(span[at..]);
        return at + bytes.Length;
    }
}
