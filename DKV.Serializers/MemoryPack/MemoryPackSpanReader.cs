using System.Buffers.Binary;
using System.Runtime.InteropServices;
using DKV.Core.Errors;
using DKV.Serializers.Text;

namespace DKV.Serializers.MemoryPack;

/// <summary>
/// Reads MemoryPack values (little-endian) from a span. Every length header is checked against the bytes that are left before
/// anything is allocated, so a lying header costs nothing.
/// </summary>
internal ref struct MemoryPackSpanReader
{
    /// <summary>The object header that marks a null object.</summary>
    public const byte NullObject = 255;

    private const string Format = "memorypack";

    private readonly ReadOnlySpan<byte> _source;
    private int _at;

    public MemoryPackSpanReader(ReadOnlySpan<byte> source)
    {
        _source = source;
        _at = 0;
    }

    private readonly int Remaining => _source.Length - _at;

    public byte ReadByte(string field) => Take(1, field)[0];

    public bool ReadBool(string field)
    {
        byte value = ReadByte(field);
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw Malformed($"{field} is the byte {value}; a bool is 0 or 1"),
        };
    }

    public ulong ReadUInt64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    /// <summary>A TimeSpan (int64 ticks), cut to whole milliseconds like every duration on the wire.</summary>
    public TimeSpan ReadDuration(string field)
    {
        long ticks = BinaryPrimitives.ReadInt64LittleEndian(Take(8, field));
        if (ticks < 0)
        {
            throw Malformed($"{field} is {ticks} ticks; durations are zero or positive");
        }

        return TimeSpan.FromTicks(ticks - (ticks % TimeSpan.TicksPerMillisecond));
    }

    /// <summary>A byte[]: int32 length (-1 for null) and the bytes, copied. Returned as memory so null stays null.</summary>
    public ReadOnlyMemory<byte>? ReadBytes(string field)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(Take(4, field, " length"));
        if (length == -1)
        {
            return null;
        }

        if (length < -1)
        {
            throw Malformed($"{field} length is {length}; it must be -1 (null) or zero or positive");
        }

        return new ReadOnlyMemory<byte>(Take(CheckedLength(length, field), field).ToArray());
    }

    /// <summary>A string in either of MemoryPack's forms: UTF-16 (int32 char count) or UTF-8 (int32 ~byteCount, int32 char count or -1).</summary>
    public string? ReadString(string field)
    {
        int header = BinaryPrimitives.ReadInt32LittleEndian(Take(4, field, " length"));
        if (header == -1)
        {
            return null;
        }

        if (header == 0)
        {
            return string.Empty;
        }

        if (header > 0)
        {
            return ReadUtf16(header, field);
        }

        int byteCount = ~header;
        int utf16Length = BinaryPrimitives.ReadInt32LittleEndian(Take(4, field, " UTF-16 length"));
        string text = StrictUtf8.GetString(Take(CheckedLength(byteCount, field), field), Format, field);
        if (utf16Length != -1 && utf16Length != text.Length)
        {
            throw Malformed($"{field} declares {utf16Length} UTF-16 chars but its UTF-8 bytes decode to {text.Length}");
        }

        return text;
    }

    public readonly void EnsureEnd()
    {
        if (_at != _source.Length)
        {
            throw Malformed($"{_source.Length - _at} unexpected bytes after the last member");
        }
    }

    public static DkvException Malformed(string what) => new(DkvErrorCode.MalformedMessage, "memorypack message: " + what);

    private string ReadUtf16(int charCount, string field)
    {
        if (charCount > Remaining / 2)
        {
            throw Malformed($"{field} claims {charCount} UTF-16 chars but only {Remaining} bytes are left");
        }

        ReadOnlySpan<byte> bytes = Take(charCount * 2, field);
        string text;
        if (BitConverter.IsLittleEndian)
        {
            text = new string(MemoryMarshal.Cast<byte, char>(bytes));
        }
        else
        {
            var chars = new char[charCount];
            for (int i = 0; i < charCount; i++)
            {
                chars[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
            }

            text = new string(chars);
        }

        // The same rule as the UTF-8 form: a lone surrogate is not text that can be stored or forwarded.
        if (!StrictUtf8.IsValidUtf16(text))
        {
            throw Malformed($"{field} is not valid UTF-16 (it holds a lone surrogate)");
        }

        return text;
    }

    private readonly int CheckedLength(int length, string field)
    {
        if (length > Remaining)
        {
            throw Malformed($"{field} length {length} exceeds the {Remaining} bytes left");
        }

        return length;
    }

    // The field name's suffix is joined only when throwing, so the success path allocates no strings.
    private ReadOnlySpan<byte> Take(int count, string field, string? part = null)
    {
        if ((uint)count > (uint)Remaining)
        {
            throw Malformed($"data too short for {field}{part} (needs {count} bytes, {Remaining} left)");
        }

        ReadOnlySpan<byte> slice = _source.Slice(_at, count);
        _at += count;
        return slice;
    }
}
