using System.Buffers;
using System.Buffers.Binary;
using DKV.Core.Hashing;

namespace DKV.Engines.Maple;

/// <summary>Buffers writes to a stream and keeps the running CRC-32C of everything written. Dispose returns the pooled buffer.</summary>
internal sealed class SnapshotWriter : IDisposable
{
    private const int BufferBytes = 64 * 1024;

    private readonly Stream _destination;
    private byte[] _buffer;
    private int _used;
    private uint _crc;

    public SnapshotWriter(Stream destination)
    {
        _destination = destination;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
    }

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(sizeof(ushort)), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(sizeof(uint)), value);

    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(sizeof(ulong)), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(sizeof(long)), value);

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= _buffer.Length - _used)
        {
            bytes.CopyTo(_buffer.AsSpan(_used));
            _used += bytes.Length;
            return;
        }

        Flush();
        if (bytes.Length < _buffer.Length)
        {
            bytes.CopyTo(_buffer);
            _used = bytes.Length;
            return;
        }

        // Large values go straight to the stream.
        _crc = Crc32C.Append(_crc, bytes);
        _destination.Write(bytes);
    }

    /// <summary>Writes the checksum of everything so far and flushes.</summary>
    public void Finish()
    {
        Flush();
        Span<byte> trailer = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc);
        _destination.Write(trailer);
        _destination.Flush();
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

    private Span<byte> Reserve(int length)
    {
        if (_buffer.Length - _used < length)
        {
            Flush();
        }

        Span<byte> span = _buffer.AsSpan(_used, length);
        _used += length;
        return span;
    }

    private void Flush()
    {
        if (_used == 0)
        {
            return;
        }

        _crc = Crc32C.Append(_crc, _buffer.AsSpan(0, _used));
        _destination.Write(_buffer, 0, _used);
        _used = 0;
    }
}
