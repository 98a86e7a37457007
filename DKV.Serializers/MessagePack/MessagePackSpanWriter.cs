using System.Buffers.Binary;

namespace DKV.Serializers.MessagePack;

/// <summary>
/// Writes MessagePack values into a span sized beforehand with the <c>Size*</c> methods, always in the smallest encoding
/// the specification allows. Bounds are checked by the span indexer; sizes are computed by the same rules, so they agree.
/// </summary>
internal ref struct MessagePackSpanWriter
{
    private readonly Span<byte> _span;
    private int _at;

    public MessagePackSpanWriter(Span<byte> span)
    {
        _span = span;
        _at = 0;
    }

    public readonly int Written => _at;

    public static int SizeOfUInt(ulong value) => value switch
    {
        <= MessagePackCode.MaxPositiveFixInt => 1,
        <= byte.MaxValue => 2,
        <= ushort.MaxValue => 3,
        <= uint.MaxValue => 5,
        _ => 9,
    };

    public static int SizeOfStrHeader(int byteCount) => byteCount switch
    {
        <= 31 => 1,
        <= byte.MaxValue => 2,
        <= ushort.MaxValue => 3,
        _ => 5,
    };

    public static int SizeOfBinHeader(int byteCount) => byteCount switch
    {
        <= byte.MaxValue => 2,
        <= ushort.MaxValue => 3,
        _ => 5,
    };

    public void WriteFixMapHeader(int count)
    {
        _span[_at++] = (byte)(MessagePackCode.MinFixMap | count);
    }

    /// <summary>A one-character ASCII map key as fixstr (<c>a1 xx</c>).</summary>
    public void WriteKey(byte asciiKey)
    {
        _span[_at] = MessagePackCode.MinFixStr | 1;
        _span[_at + 1] = asciiKey;
        _at += 2;
    }

    public void WriteBool(bool value)
    {
        _span[_at++] = value ? MessagePackCode.True : MessagePackCode.False;
    }

    public void WriteUInt(ulong value)
    {
        switch (value)
        {
            case <= MessagePackCode.MaxPositiveFixInt:
                _span[_at++] = (byte)value;
                break;
            case <= byte.MaxValue:
                _span[_at] = MessagePackCode.UInt8;
                _span[_at + 1] = (byte)value;
                _at += 2;
                break;
            case <= ushort.MaxValue:
                _span[_at] = MessagePackCode.UInt16;
                BinaryPrimitives.WriteUInt16BigEndian(_span[(_at + 1)..], (ushort)value);
                _at += 3;
                break;
            case <= uint.MaxValue:
                _span[_at] = MessagePackCode.UInt32;
                BinaryPrimitives.WriteUInt32BigEndian(_span[(_at + 1)..], (uint)value);
                _at += 5;
                break;
            default:
                _span[_at] = MessagePackCode.UInt64;
                BinaryPrimitives.WriteUInt64BigEndian(_span[(_at + 1)..], value);
                _at += 9;
                break;
        }
    }

    /// <summary>The header of a str of <paramref name="byteCount"/> UTF-8 bytes; the caller then writes the bytes into <see cref="Rest"/>.</summary>
    public void WriteStrHeader(int byteCount)
    {
        switch (byteCount)
        {
            case <= 31:
                _span[_at++] = (byte)(MessagePackCode.MinFixStr | byteCount);
                break;
            case <= byte.MaxValue:
                _span[_at] = MessagePackCode.Str8;
                _span[_at + 1] = (byte)byteCount;
                _at += 2;
                break;
            case <= ushort.MaxValue:
                _span[_at] = MessagePackCode.Str16;
                BinaryPrimitives.WriteUInt16BigEndian(_span[(_at + 1)..], (ushort)byteCount);
                _at += 3;
                break;
            default:
                _span[_at] = MessagePackCode.Str32;
                BinaryPrimitives.WriteUInt32BigEndian(_span[(_at + 1)..], (uint)byteCount);
                _at += 5;
                break;
        }
    }

    public void WriteBin(ReadOnlySpan<byte> bytes)
    {
        int length = bytes.Length;
        switch (length)
        {
            case <= byte.MaxValue:
                _span[_at] = MessagePackCode.Bin8;
                _span[_at + 1] = (byte)length;
                _at += 2;
                break;
            case <= ushort.MaxValue:
                _span[_at] = MessagePackCode.Bin16;
                BinaryPrimitives.WriteUInt16BigEndian(_span[(_at + 1)..], (ushort)length);
                _at += 3;
                break;
            default:
                _span[_at] = MessagePackCode.Bin32;
                BinaryPrimitives.WriteUInt32BigEndian(_span[(_at + 1)..], (uint)length);
                _at += 5;
                break;
        }

        bytes.CopyTo(_span[_at..]);
        _at += length;
    }

    /// <summary>The unwritten part of the span, for writing string bytes in place.</summary>
    public readonly Span<byte> Rest => _span[_at..];

    public void Skip(int count)
    {
        _at += count;
    }
}
