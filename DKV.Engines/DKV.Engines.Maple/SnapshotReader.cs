using System.Buffers;
using System.Buffers.Binary;
using DKV.Core.Errors;
using DKV.Core.Hashing;

namespace DKV.Engines.Maple;

/// <summary>
/// Reads a snapshot stream with a running CRC-32C of the bytes consumed. Every failure is a <see cref="DkvException"/> with
/// <see cref="DkvErrorCode.Corrupt"/> naming what was being read. Allocates no more than the bytes actually present
/// (a lying length meets the end of the stream before a large buffer is made).
/// </summary>
internal sealed class SnapshotReader : IDisposable
{
    private const int BufferBytes = 64 * 1024;

    /// <summary>Values up to this size are allocated at once; larger ones grow as their bytes arrive.</summary>
    private const int DirectAllocationBytes = 1 << 20;

    private readonly Stream _source;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private uint _crc;

    public SnapshotReader(Stream source)
    {
        _source = source;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
    }

    /// <summary>The checksum of every byte consumed so far.</summary>
    public uint Crc => _crc;

    /// <summary>Bytes left in the stream when it can tell (seekable streams), otherwise null.</summary>
    public long? Remaining => _source.CanSeek ? _source.Length - _source.Position + (_end - _start) : null;

    public static DkvException Corrupt(string what) =>
        new(DkvErrorCode.Corrupt, $"maple snapshot is corrupt: {what}; restore it from an intact copy");

    public ushort ReadUInt16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(sizeof(ushort), what));

    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(sizeof(uint), what));

    public ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(sizeof(ulong), what));

    public long ReadInt64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long), what));

    /// <summary>Reads the magic and checks it.</summary>
    public void ExpectMagic(ReadOnlySpan<byte> magic)
    {
        if (!Take(magic.Length, "the magic number").SequenceEqual(magic))
        {
            throw Corrupt($"the stream does not start with the magic number \"{System.Text.Encoding.ASCII.GetString(magic)}\" (not a maple snapshot)");
        }
    }

    /// <summary>Reads <paramref name="length"/> bytes into a new array.</summary>
    public byte[] ReadBytes(int length, string what)
    {
        if (Remaining is long remaining && length > remaining)
        {
            throw Truncated(what, length, remaining);
        }

        if (length == 0)
        {
            return [];
        }

        byte[] result = new byte[Remaining is not null ? length : Math.Min(length, DirectAllocationBytes)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == result.Length)
            {
                Array.Resize(ref result, (int)Math.Min(length, (long)result.Length * 2));
            }

            if (_start == _end && !Fill())
            {
                throw Truncated(what, length, filled);
            }

            int chunk = Math.Min(_end - _start, result.Length - filled);
            _buffer.AsSpan(_start, chunk).CopyTo(result.AsSpan(filled));
            _crc = Crc32C.Append(_crc, result.AsSpan(filled, chunk));
            _start += chunk;
            filled += chunk;
        }

        return result;
    }

    /// <summary>Reads the trailing checksum (not itself checksummed) and compares it with the bytes read.</summary>
    public void ExpectChecksum()
    {
        uint computed = _crc;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(Take(sizeof(uint), "the checksum", checksummed: false));
        if (stored != computed)
        {
            throw Corrupt($"checksum mismatch (stored 0x{stored:X8}, computed 0x{computed:X8})");
        }
    }

    /// <summary>Gives back buffered bytes past the snapshot to a seekable stream, so whatever follows can be read.</summary>
    public void ReturnUnread()
    {
        if (_source.CanSeek && _end > _start)
        {
            _source.Seek(_start - _end, SeekOrigin.Current);
            _start = _end;
        }
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static DkvException Truncated(string what, long needed, long available) =>
        Corrupt($"truncated while reading {what} (needed {needed} bytes, {available} available)");

    private ReadOnlySpan<byte> Take(int length, string what, bool checksummed = true)
    {
        while (_end - _start < length)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (!Fill())
            {
                throw Truncated(what, length, _end - _start);
            }
        }

        ReadOnlySpan<byte> span = _buffer.AsSpan(_start, length);
        if (checksummed)
        {
            _crc = Crc32C.Append(_crc, span);
        }

        _start += length;
        return span;
    }

    /// <summary>Reads more from the stream after the buffered bytes. False at the end of the stream.</summary>
    private bool Fill()
    {
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }

        int read = _source.Read(_buffer, _end, _buffer.Length - _end);
        _end += read;
        return read > 0;
    }
}
