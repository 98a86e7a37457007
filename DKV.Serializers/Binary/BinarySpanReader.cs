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
/// Byte fields are returned as views of the source (<see cref="ReadBytes"/>) so the decoder can copy them into one array.
/// </summary>
internal ref struct BinarySpanReader
{
    // Strings up to this many bytes are transcoded into a stack buffer in one pass (then copied into the string);
    // longer ones go through the encoding's count-then-decode path, which does not need the stack.
    private const int StackDecodeMaxBytes = 256;

    private const char NotAsciiMark = '\uFFFF';
    private const byte AsciiMax = 0x7F;

    private static readonly SpanAction<char, ReadOnlySpan<byte>> s_widenAscii = static (chars, bytes) =>
    {
        if (Ascii.ToUtf16(bytes, chars, out _) != OperationStatus.Done)
        {
            chars[0] = NotAsciiMark;
        }
    };

    // What is left to read: each read checks its length against this once, then slices past what it read.
    private ReadOnlySpan<byte> _rest;

    public BinarySpanReader(ReadOnlySpan<byte> source)
    {
        _rest = source;
    }

    public byte ReadByte(string field)
    {
        if (_rest.IsEmpty)
        {
            ThrowTooShort(field, null);
        }

        byte value = _rest[0];
        _rest = _rest.Slice(1);
        return value;
    }

    public ulong ReadUInt64(string field)
    {
        if (_rest.Length < sizeof(ulong))
        {
            ThrowTooShort(field, null);
        }

        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(_rest);
        _rest = _rest.Slice(sizeof(ulong));
        return value;
    }

    /// <summary>Reads a length-prefixed byte field without copying it: the result is a view of the source.</summary>
    public ReadOnlySpan<byte> ReadBytes(string field) => Take(ReadLength(field), field);

    /// <summary>Reads a length-prefixed strict UTF-8 string; the length <see cref="uint.MaxValue"/> is null where allowed.</summary>
    public string? ReadString(string field, uint nullLength, bool allowNull = false)
    {
        uint length = ReadLength(field);
        if (allowNull && length == nullLength)
        {
            return null;
        }

        return Decode(Take(length, field), field);
    }

    public readonly void EnsureEnd()
    {
        if (!_rest.IsEmpty)
        {
            ThrowTrailing(_rest.Length);
        }
    }

    private uint ReadLength(string field)
    {
        if (_rest.Length < sizeof(uint))
        {
            ThrowTooShort(field, " length");
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_rest);
        _rest = _rest.Slice(sizeof(uint));
        return length;
    }

    private ReadOnlySpan<byte> Take(uint length, string field)
    {
        if (length > (uint)_rest.Length)
        {
            ThrowLengthExceeds(field, length, _rest.Length);
        }

        ReadOnlySpan<byte> taken = _rest.Slice(0, (int)length);
        _rest = _rest.Slice((int)length);
        return taken;
    }

    // Small enough to inline into the decoder; text that is not ASCII leaves through the call at the end.
    private static string Decode(ReadOnlySpan<byte> bytes, string field)
    {
        // Keys and error texts are nearly always ASCII: one vectorized pass validates and widens straight into the new string
        // (an empty span gives string.Empty). A non-ASCII byte stops it and marks the first char with U+FFFF, which ASCII cannot
        // produce; such text is decoded again as strict UTF-8 (one wasted allocation, for non-ASCII text only).
        // Text that starts with a non-ASCII byte goes straight to the UTF-8 decoder and wastes nothing.
        if (!bytes.IsEmpty && bytes[0] > AsciiMax)
        {
            return DecodeUtf8(bytes, field);
        }

        string ascii = string.Create(bytes.Length, bytes, s_widenAscii);
        return ascii.Length == 0 || ascii[0] != NotAsciiMark ? ascii : DecodeUtf8(bytes, field);
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> bytes, string field)
    {
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
