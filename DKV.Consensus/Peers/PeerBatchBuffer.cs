using System.Buffers;

namespace DKV.Consensus.Peers;

/// <summary>
/// The bytes of one write, in an array rented from <see cref="ArrayPool{T}.Shared"/> and reused across writes.
/// Not thread-safe: owned by one writer loop. <see cref="Dispose"/> returns the array.
/// </summary>
internal sealed class PeerBatchBuffer : IDisposable
{
    private byte[] _array;

    public PeerBatchBuffer(int initialBytes) => _array = ArrayPool<byte>.Shared.Rent(initialBytes);

    /// <summary>Bytes written since the last <see cref="Reset"/>.</summary>
    public int WrittenCount { get; private set; }

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, WrittenCount);

    public void Reset() => WrittenCount = 0;

    /// <summary>Room for at least <paramref name="bytes"/> more bytes at the end.</summary>
    public Span<byte> GetSpan(int bytes)
    {
        if (_array.Length - WrittenCount < bytes)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, WrittenCount + bytes));
            _array.AsSpan(0, WrittenCount).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = bigger;
        }

        return _array.AsSpan(WrittenCount, bytes);
    }

    public void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, _array.Length - WrittenCount);
        WrittenCount += bytes;
    }

    /// <summary>Bytes already written, to patch a header once its length is known.</summary>
    public Span<byte> Written(int start, int length) => _array.AsSpan(0, WrittenCount).Slice(start, length);

    public void Dispose()
    {
        byte[] array = _array;
        _array = [];
        WrittenCount = 0;
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
