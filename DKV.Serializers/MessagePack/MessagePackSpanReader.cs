using System.Buffers.Binary;
using DKV.Core.Errors;
using DKV.Serializers.Text;

namespace DKV.Serializers.MessagePack;

/// <summary>
/// Reads MessagePack values from a span, accepting every encoding the specification permits for a type (an integer in any
/// int/uint width, a string as fixstr/str8/16/32, a map as fixmap/map16/map32). Every length is checked against the bytes that
/// are left before anything is sliced or allocated; nested values being skipped are bounded by a depth limit.
/// </summary>
internal ref struct MessagePackSpanReader
{
    private const string Format = "msgpack";

    private readonly ReadOnlySpan<byte> _source;
    private readonly int _maxDepth;
    private int _at;

    public MessagePackSpanReader(ReadOnlySpan<byte> source, int maxDepth)
    {
        _source = source;
        _maxDepth = maxDepth;
        _at = 0;
    }

    public readonly int Remaining => _source.Length - _at;

    /// <summary>A map header (fixmap, map16, map32); the count is checked against the bytes left (two per entry at least).</summary>
    public uint ReadMapHeader(string what)
    {
        byte code = ReadByte(what);
        uint count = code switch
        {
            >= MessagePackCode.MinFixMap and <= MessagePackCode.MaxFixMap => (uint)(code & 0x0f),
            MessagePackCode.Map16 => BinaryPrimitives.ReadUInt16BigEndian(Take(2, what)),
            MessagePackCode.Map32 => BinaryPrimitives.ReadUInt32BigEndian(Take(4, what)),
            _ => throw Malformed($"{what} must be a map, found {MessagePackCode.Describe(code)} (0x{code:x2})"),
        };
        if (count > (uint)Remaining / 2)
        {
            throw Malformed($"{what} claims {count} entries but only {Remaining} bytes are left");
        }

        return count;
    }

    /// <summary>Consumes a nil and returns true, or leaves the reader where it was and returns false.</summary>
    public bool TryReadNil()
    {
        if (_at < _source.Length && _source[_at] == MessagePackCode.Nil)
        {
            _at++;
            return true;
        }

        return false;
    }

    /// <summary>The bytes of a str (any str format), or false (reader unmoved) when the next value is not a str.</summary>
    public bool TryReadStrBytes(out ReadOnlySpan<byte> bytes)
    {
        if (_at >= _source.Length || !IsStr(_source[_at]))
        {
            bytes = default;
            return false;
        }

        bytes = ReadStrBytes("map key");
        return true;
    }

    public string ReadString(string field) => StrictUtf8.GetString(ReadStrBytes(field), Format, field);

    public byte[] ReadBin(string field)
    {
        byte code = ReadByte(field);
        int length = code switch
        {
            MessagePackCode.Bin8 => Take(1, field)[0],
            MessagePackCode.Bin16 => BinaryPrimitives.ReadUInt16BigEndian(Take(2, field)),
            MessagePackCode.Bin32 => CheckedLength(BinaryPrimitives.ReadUInt32BigEndian(Take(4, field)), field),
            _ => throw Malformed($"{field} must be bin, found {MessagePackCode.Describe(code)} (0x{code:x2})"),
        };
        return Take(length, field).ToArray();
    }

    public bool ReadBool(string field)
    {
        byte code = ReadByte(field);
        return code switch
        {
            MessagePackCode.True => true,
            MessagePackCode.False => false,
            _ => throw Malformed($"{field} must be a bool, found {MessagePackCode.Describe(code)} (0x{code:x2})"),
        };
    }

    /// <summary>A non-negative integer in any int or uint encoding (or a whole-number float, see <see cref="WholeNumber"/>).</summary>
    public ulong ReadUInt(string field)
    {
        byte code = ReadByte(field);
        long signed;
        switch (code)
        {
            case <= MessagePackCode.MaxPositiveFixInt:
                return code;
            case MessagePackCode.UInt8:
                return Take(1, field)[0];
            case MessagePackCode.UInt16:
                return BinaryPrimitives.ReadUInt16BigEndian(Take(2, field));
            case MessagePackCode.UInt32:
                return BinaryPrimitives.ReadUInt32BigEndian(Take(4, field));
            case MessagePackCode.UInt64:
                return BinaryPrimitives.ReadUInt64BigEndian(Take(8, field));
            case MessagePackCode.Int8:
                signed = (sbyte)Take(1, field)[0];
                break;
            case MessagePackCode.Int16:
                signed = BinaryPrimitives.ReadInt16BigEndian(Take(2, field));
                break;
            case MessagePackCode.Int32:
                signed = BinaryPrimitives.ReadInt32BigEndian(Take(4, field));
                break;
            case MessagePackCode.Int64:
                signed = BinaryPrimitives.ReadInt64BigEndian(Take(8, field));
                break;
            case >= MessagePackCode.MinNegativeFixInt:
                signed = (sbyte)code;
                break;
            case MessagePackCode.Float32:
                return WholeNumber(BinaryPrimitives.ReadSingleBigEndian(Take(4, field)), field);
            case MessagePackCode.Float64:
                return WholeNumber(BinaryPrimitives.ReadDoubleBigEndian(Take(8, field)), field);
            default:
                throw Malformed($"{field} must be an integer, found {MessagePackCode.Describe(code)} (0x{code:x2})");
        }

        if (signed < 0)
        {
            throw Malformed($"{field} is {signed}; it must be zero or positive");
        }

        return (ulong)signed;
    }

    /// <summary>
    /// A float that holds a whole number from 0 to 2^53 is accepted for an integer field: JavaScript encoders (the reference
    /// implementation with useBigInt64) write Numbers above 2^32 as float64. Anything with a fraction or out of that range is refused.
    /// </summary>
    private static ulong WholeNumber(double value, string field)
    {
        const double MaxExact = 9_007_199_254_740_992d; // 2^53
        if (!(value >= 0 && value <= MaxExact) || Math.Floor(value) != value)
        {
            throw Malformed($"{field} is the float {value}; integer fields accept floats only for whole numbers from 0 to 2^53");
        }

        return (ulong)value;
    }

    /// <summary>Skips one value of any type, including nested arrays and maps up to the configured depth.</summary>
    public void Skip(string what, int depth = 0)
    {
        byte code = ReadByte(what);
        switch (code)
        {
            case <= MessagePackCode.MaxPositiveFixInt or >= MessagePackCode.MinNegativeFixInt:
            case MessagePackCode.Nil or MessagePackCode.False or MessagePackCode.True:
                return;
            case >= MessagePackCode.MinFixMap and <= MessagePackCode.MaxFixMap:
                SkipItems(2L * (code & 0x0f), what, depth);
                return;
            case >= MessagePackCode.MinFixArray and <= MessagePackCode.MaxFixArray:
                SkipItems(code & 0x0f, what, depth);
                return;
            case >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr:
                Take(code & 0x1f, what);
                return;
            case MessagePackCode.Bin8 or MessagePackCode.Str8:
                Take(Take(1, what)[0], what);
                return;
            case MessagePackCode.Bin16 or MessagePackCode.Str16:
                Take(BinaryPrimitives.ReadUInt16BigEndian(Take(2, what)), what);
                return;
            case MessagePackCode.Bin32 or MessagePackCode.Str32:
                Take(CheckedLength(BinaryPrimitives.ReadUInt32BigEndian(Take(4, what)), what), what);
                return;
            case MessagePackCode.Ext8:
                Take(1 + Take(1, what)[0], what);
                return;
            case MessagePackCode.Ext16:
                Take(1 + BinaryPrimitives.ReadUInt16BigEndian(Take(2, what)), what);
                return;
            case MessagePackCode.Ext32:
                Take(1 + CheckedLength(BinaryPrimitives.ReadUInt32BigEndian(Take(4, what)), what), what);
                return;
            case MessagePackCode.FixExt1 or MessagePackCode.FixExt2 or MessagePackCode.FixExt4 or MessagePackCode.FixExt8 or MessagePackCode.FixExt16:
                Take(1 + (1 << (code - MessagePackCode.FixExt1)), what);
                return;
            case MessagePackCode.UInt8 or MessagePackCode.Int8:
                Take(1, what);
                return;
            case MessagePackCode.UInt16 or MessagePackCode.Int16:
                Take(2, what);
                return;
            case MessagePackCode.UInt32 or MessagePackCode.Int32 or MessagePackCode.Float32:
                Take(4, what);
                return;
            case MessagePackCode.UInt64 or MessagePackCode.Int64 or MessagePackCode.Float64:
                Take(8, what);
                return;
            case MessagePackCode.Array16:
                SkipItems(BinaryPrimitives.ReadUInt16BigEndian(Take(2, what)), what, depth);
                return;
            case MessagePackCode.Array32:
                SkipItems(BinaryPrimitives.ReadUInt32BigEndian(Take(4, what)), what, depth);
                return;
            case MessagePackCode.Map16:
                SkipItems(2L * BinaryPrimitives.ReadUInt16BigEndian(Take(2, what)), what, depth);
                return;
            case MessagePackCode.Map32:
                SkipItems(2L * BinaryPrimitives.ReadUInt32BigEndian(Take(4, what)), what, depth);
                return;
            default:
                throw Malformed($"{what} starts with 0x{code:x2}, which the MessagePack specification never uses");
        }
    }

    public readonly void EnsureEnd()
    {
        if (_at != _source.Length)
        {
            throw Malformed($"{_source.Length - _at} unexpected bytes after the message map");
        }
    }

    public static DkvException Malformed(string what) => new(DkvErrorCode.MalformedMessage, "msgpack message: " + what);

    private static bool IsStr(byte code) =>
        code is (>= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr) or MessagePackCode.Str8 or MessagePackCode.Str16 or MessagePackCode.Str32;

    private ReadOnlySpan<byte> ReadStrBytes(string field)
    {
        byte code = ReadByte(field);
        int length = code switch
        {
            >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr => code & 0x1f,
            MessagePackCode.Str8 => Take(1, field)[0],
            MessagePackCode.Str16 => BinaryPrimitives.ReadUInt16BigEndian(Take(2, field)),
            MessagePackCode.Str32 => CheckedLength(BinaryPrimitives.ReadUInt32BigEndian(Take(4, field)), field),
            _ => throw Malformed($"{field} must be a str, found {MessagePackCode.Describe(code)} (0x{code:x2})"),
        };
        return Take(length, field);
    }

    private void SkipItems(long count, string what, int depth)
    {
        if (depth + 1 > _maxDepth)
        {
            throw Malformed($"{what} nests arrays or maps deeper than {_maxDepth} levels (MaxNestingDepth)");
        }

        // Every item takes at least one byte: a count larger than what is left is a lie, refused before looping over it.
        if (count > Remaining)
        {
            throw Malformed($"{what} claims {count} nested items but only {Remaining} bytes are left");
        }

        for (long i = 0; i < count; i++)
        {
            Skip(what, depth + 1);
        }
    }

    private readonly int CheckedLength(uint length, string field)
    {
        if (length > (uint)Remaining)
        {
            throw Malformed($"{field} length {length} exceeds the {Remaining} bytes left");
        }

        return (int)length;
    }

    private byte ReadByte(string field) => Take(1, field)[0];

    private ReadOnlySpan<byte> Take(int count, string field)
    {
        if ((uint)count > (uint)Remaining)
        {
            throw Malformed($"data too short for {field} (needs {count} bytes, {Remaining} left)");
        }

        ReadOnlySpan<byte> slice = _source.Slice(_at, count);
        _at += count;
        return slice;
    }
}
