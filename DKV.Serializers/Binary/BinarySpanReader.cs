using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;
using DKV.Core.Errors;
using DKV.Serializers.Text;

namespace DKV.Serializers.Binary;

/// <summary>
/// Bounds-checked reads of the <c>binary</c> format: every length is checked against what is left before anything is allocated.
/// Byte fields are located first (<see cref="SkipBytes"/>) so the decoder can copy them into one array.
/// </summary>
internal ref struct BinarySpanReader
{
    // Strings up to this many bytes are transcoded into a stack buffer in one pass (then copied into the string);
    // longer ones go through the encoding's count-then-decode path, which does not need the stack.
    private const int StackDecodeMaxBytes = 256;

    private const char NotAsciiMark = '\uFFFF';

    private static readonly SpanAction<char, ReadOnlySpan<byte>> s_widenAscii = static (chars, bytes) =>
    {
        if (Ascii.ToUtf16(bytes, chars, out _) != OperationStatus.Done)
        {
            chars[0] = NotAsciiMark;
        }
    };

    private readonly ReadOnlySpan<byte> _source;
    private int _at;

    public BinarySpanReader(ReadOnlySpan<byte> source)
    {
        _source = source;
        _at = 0;
    }

    public byte ReadByte(string field)
    {
        if (_at >= _source.Length)
        {
            ThrowTooShort(field, null);
        }

        return _source[_at++];
    }

    public ulong ReadUInt64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    /// <summary>Reads a length-prefixed byte field without copying it; returns where it starts and how long it is.</summary>
    public (int Start, int Length) SkipBytes(string field)
    {
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field, " length"));
        if (length > (uint)(_source.Length - _at))
        {
            ThrowLengthExceeds(field, length, _source.Length - _at);
        }

        int start = _at;
        _at += (int)length;
        return (start, (int)length);
    }

    /// <summary>Reads a length-prefixed strict UTF-8 string; the length <see cref="uint.MaxValue"/> is null where allowed.</summary>
    public string? ReadString(string field, uint nullLength, bool allowNull = false)
    {
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field, " length"));
        if (allowNull && length == nullLength)
        {
            return null;
        }

        if (length > (uint)(_source.Length - _at))
        {
            ThrowLengthExceeds(field, length, _source.Length - _at);
        }

        return Decode(Take((int)length, field), field);
    }

    public readonly void EnsureEnd()
    {
        if (_at != _source.Length)
        {
            ThrowTrailing(_source.Length - _at);
        }
    }

    private static string Decode(ReadOnlySpan<byte> bytes, string field)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        // Keys and error texts are nearly always ASCII: one vectorized pass validates and widens straight into the new string.
        // A non-ASCII byte stops it and marks the first char with U+FFFF, which ASCII cannot produce; such text is decoded
        // again below as strict UTF-8 (one wasted allocation, for non-ASCII text only).
        string ascii = string.Create(bytes.Length, bytes, s_widenAscii);
        if (ascii[0] != NotAsciiMark)
        {
            return ascii;
        }

        if (bytes.Length > StackDecodeMaxBytes)
        {
            return StrictUtf8.GetString(bytes, BinarySerializer.SerializerName, field);
        }

        // A UTF-8 string never has more UTF-16 code units than bytes.
        Span<char> chars = stackalloc char[bytes.Length];
        OperationStatus status = Utf8.ToUtf16(bytes, chars, out _, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            ThrowNotUtf8(field);
        }

        return new string(chars[..written]);
    }

    // The field name's suffix is joined only when throwing, so the success path allocates no strings.
    private ReadOnlySpan<byte> Take(int count, string field, string? part = null)
    {
        if (count > _source.Length - _at)
        {
            ThrowTooShort(field, part);
        }

        ReadOnlySpan<byte> slice = _source.Slice(_at, count);
        _at += count;
        return slice;
    }

    // Throwing from separate methods keeps the hot readers small enough to inline, and keeps the message formatting (a struct
    // with references) out of the decoder's stack frame, which would otherwise be zeroed on every call.
    [DoesNotReturn]
    private static void ThrowTooShort(string field, string? part) => throw Malformed($"data too short for {field}{part}");

    [DoesNotReturn]
    private static void ThrowLengthExceeds(string field, uint length, int left) =>
        throw Malformed($"{field} length {length} exceeds the {left} bytes left");

    [DoesNotReturn]
    private static void ThrowTrailing(int count) => throw Malformed($"{count} unexpected bytes after the last field");

    [DoesNotReturn]
    private static void ThrowNotUtf8(string field) =>
        throw new DkvException(DkvErrorCode.MalformedMessage, $"{BinarySerializer.SerializerName} message: {field} is not valid UTF-8");

    private static DkvException Malformed(string what) => new(DkvErrorCode.MalformedMessage, "binary message: " + what);
}
