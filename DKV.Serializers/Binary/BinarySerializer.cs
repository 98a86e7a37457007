using System.Buffers;
using System.Buffers.Binary;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using DKV.Serializers.Text;

namespace DKV.Serializers.Binary;

/// <summary>
/// The compact binary format (<c>binary</c>): a type byte, a presence-flag byte, then only the present fields, little-endian.
/// Exact layout in docs/serializers.md. Serializing allocates nothing; deserializing allocates only the key string and byte fields.
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

    public string Name => SerializerName;

    public void Serialize(in Message message, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        byte flags = 0;
        int size = 2;
        int keyBytes = 0;
        int errorBytes = 0;
        if (message.Key is { } key)
        {
            flags |= FlagKey;
            keyBytes = StrictUtf8.GetByteCount(key, Format, "key");
            size += 4 + keyBytes;
        }

        ulong expireMs = DurationCodec.ToWire(message.ExpireIn);
        ulong deleteMs = DurationCodec.ToWire(message.DeleteIn);
        if (expireMs != 0)
        {
            flags |= FlagExpireIn;
            size += 8;
        }

        if (deleteMs != 0)
        {
            flags |= FlagDeleteIn;
            size += 8;
        }

        if (message.Value is { } value)
        {
            flags |= FlagValue;
            size += 4 + value.Length;
        }

        if (message.Ok)
        {
            flags |= FlagOk;
        }

        if (message.ErrorCode != DkvErrorCode.None || message.Error is not null)
        {
            flags |= FlagError;
            errorBytes = message.Error is null ? 0 : StrictUtf8.GetByteCount(message.Error, Format, "error");
            size += 1 + 4 + errorBytes;
        }

        if (message.Meta is { } meta)
        {
            flags |= FlagMeta;
            size += 4 + meta.Length;
        }

        if (message.Index != 0)
        {
            flags |= FlagIndex;
            size += 8;
        }

        Span<byte> span = destination.GetSpan(size);
        span[0] = (byte)message.Type;
        span[1] = flags;
        int at = 2;
        if (message.Key is { } k)
        {
            at = WriteString(span, at, k, keyBytes);
        }

        if (expireMs != 0)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], expireMs);
            at += 8;
        }

        if (deleteMs != 0)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], deleteMs);
            at += 8;
        }

        if (message.Value is { } v)
        {
            at = WriteBytes(span, at, v.Span);
        }

        if ((flags & FlagError) != 0)
        {
            span[at++] = (byte)message.ErrorCode;
            if (message.Error is null)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span[at..], NullLength);
                at += 4;
            }
            else
            {
                at = WriteString(span, at, message.Error, errorBytes);
            }
        }

        if (message.Meta is { } m)
        {
            at = WriteBytes(span, at, m.Span);
        }

        if (message.Index != 0)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], message.Index);
            at += 8;
        }

        destination.Advance(at);
    }

    public Message Deserialize(ReadOnlySpan<byte> source)
    {
        var reader = new SpanReader(source);
        var type = (MessageType)reader.ReadByte("message type");
        byte flags = reader.ReadByte("flags");
        string? key = (flags & FlagKey) != 0 ? reader.ReadString("key") : null;
        TimeSpan expireIn = (flags & FlagExpireIn) != 0 ? DurationCodec.FromWire(reader.ReadUInt64("expireIn")) : TimeSpan.Zero;
        TimeSpan deleteIn = (flags & FlagDeleteIn) != 0 ? DurationCodec.FromWire(reader.ReadUInt64("deleteIn")) : TimeSpan.Zero;
        ReadOnlyMemory<byte>? value = (flags & FlagValue) != 0 ? reader.ReadBytes("value") : default(ReadOnlyMemory<byte>?);
        DkvErrorCode code = DkvErrorCode.None;
        string? error = null;
        if ((flags & FlagError) != 0)
        {
            code = (DkvErrorCode)reader.ReadByte("error code");
            error = reader.ReadString("error", allowNull: true);
        }

        ReadOnlyMemory<byte>? meta = (flags & FlagMeta) != 0 ? reader.ReadBytes("meta") : default(ReadOnlyMemory<byte>?);
        ulong index = (flags & FlagIndex) != 0 ? reader.ReadUInt64("index") : 0;
        reader.EnsureEnd();
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

    private static int WriteString(Span<byte> span, int at, string text, int byteCount)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], (uint)byteCount);
        at += 4;
        return at + StrictUtf8.GetBytes(text, span[at..]);
    }

    private static int WriteBytes(Span<byte> span, int at, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], (uint)bytes.Length);
        at += 4;
        bytes.CopyTo(span[at..]);
        return at + bytes.Length;
    }

    /// <summary>Bounds-checked reads: every length is checked against what is left before anything is allocated.</summary>
    private ref struct SpanReader
    {
        private readonly ReadOnlySpan<byte> _source;
        private int _at;

        public SpanReader(ReadOnlySpan<byte> source)
        {
            _source = source;
            _at = 0;
        }

        public byte ReadByte(string field) => Take(1, field)[0];

        public ulong ReadUInt64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

        public ReadOnlyMemory<byte> ReadBytes(string field)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field, " length"));
            if (length > (uint)(_source.Length - _at))
            {
                throw Malformed($"{field} length {length} exceeds the {_source.Length - _at} bytes left");
            }

            return Take((int)length, field).ToArray();
        }

        public string? ReadString(string field, bool allowNull = false)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field, " length"));
            if (allowNull && length == NullLength)
            {
                return null;
            }

            if (length > (uint)(_source.Length - _at))
            {
                throw Malformed($"{field} length {length} exceeds the {_source.Length - _at} bytes left");
            }

            return StrictUtf8.GetString(Take((int)length, field), Format, field);
        }

        public readonly void EnsureEnd()
        {
            if (_at != _source.Length)
            {
                throw Malformed($"{_source.Length - _at} unexpected bytes after the last field");
            }
        }

        // The field name's suffix is joined only when throwing, so the success path allocates no strings.
        private ReadOnlySpan<byte> Take(int count, string field, string? part = null)
        {
            if (count > _source.Length - _at)
            {
                throw Malformed($"data too short for {field}{part}");
            }

            ReadOnlySpan<byte> slice = _source.Slice(_at, count);
            _at += count;
            return slice;
        }

        private static DkvException Malformed(string what) => new(DkvErrorCode.MalformedMessage, "binary message: " + what);
    }
}
