using System.Buffers.Binary;
using DKV.Core.Errors;

namespace DKV.Consensus.Peers;

/// <summary>Reads little-endian fields from untrusted bytes; every read is bounds-checked and a short input throws a typed error.</summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _source;
    private readonly string _what;
    private int _position;

    public WireReader(ReadOnlySpan<byte> source, string what)
    {
        _source = source;
        _what = what;
        _position = 0;
    }

    /// <summary>Bytes read so far.</summary>
    public readonly int Consumed => _position;

    /// <summary>Bytes left.</summary>
    public readonly int Remaining => _source.Length - _position;

    public byte ReadByte() => Take(1)[0];

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Reads a count of items of at least <paramref name="minItemBytes"/> each, checked against what is left before anyone allocates for it.</summary>
    public int ReadCount(int minItemBytes, string field)
    {
        uint count = ReadUInt32();
        if ((ulong)count * (ulong)Math.Max(minItemBytes, 1) > (ulong)Remaining)
        {
            throw Malformed($"{field} declares {count} items but only {Remaining} bytes follow");
        }

        return (int)count;
    }

    /// <summary>Reads <paramref name="count"/> raw bytes.</summary>
    public ReadOnlySpan<byte> ReadBytes(int count, string field)
    {
        if (count < 0 || count > Remaining)
        {
            throw Malformed($"{field} declares {count} bytes but only {Remaining} follow");
        }

        return Take(count);
    }

    /// <summary>A typed error for a malformed <c>what</c>.</summary>
    public readonly DkvException Malformed(string detail) =>
        new(DkvErrorCode.MalformedMessage, $"malformed {_what} from a peer: {detail}; the connection is closed (is the peer running the same dKV version?)");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
        {
            throw Malformed($"truncated at byte {_position}: {count} more bytes needed, {Remaining} left");
        }

        ReadOnlySpan<byte> slice = _source.Slice(_position, count);
        _position += count;
        return slice;
    }
}
