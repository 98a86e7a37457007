using System.Buffers;

namespace DKV.Testing.Serializers;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over one array that is reused after <see cref="Reset"/>, like a pooled transport buffer:
/// once it has grown to the largest message it allocates nothing. Not thread-safe.
/// </summary>
public sealed class ReusableBufferWriter : IBufferWriter<byte>
{
    private byte[] _buffer;
    private int _written;

    public ReusableBufferWriter(int initialCapacityBytes = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialCapacityBytes);
        _buffer = new byte[initialCapacityBytes];
    }

    /// <summary>The bytes written since the last <see cref="Reset"/>; valid until the next write or reset.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    /// <summary>The number of bytes written since the last <see cref="Reset"/>.</summary>
    public int WrittenCount => _written;

    /// <summary>Forgets what was written, keeping the array.</summary>
    public void Reset() => _written = 0;

    /// <summary>A copy of what was written.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _buffer.Length - _written)
        {
            throw new InvalidOperationException($"advanced {count} bytes but only {_buffer.Length - _written} were handed out");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written < needed)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _written + needed));
        }
    }
}
