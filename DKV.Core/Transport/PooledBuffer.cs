using System.Buffers;

namespace DKV.Core.Transport;

/// <summary>
/// A payload in an array rented from <see cref="ArrayPool{T}.Shared"/>. The receiver owns it and must dispose it exactly once
/// to return the array; <see cref="Memory"/> must not be used after that. Dispose is thread-safe and idempotent.
/// </summary>
public sealed class PooledBuffer : IMemoryOwner<byte>
{
    private readonly int _length;
    private byte[]? _array;

    private PooledBuffer(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    /// <summary>The payload. Throws <see cref="ObjectDisposedException"/> after <see cref="Dispose"/>.</summary>
    public Memory<byte> Memory => _array is { } array ? array.AsMemory(0, _length) : throw new ObjectDisposedException(nameof(PooledBuffer));

    /// <summary>Copies <paramref name="source"/> into a freshly rented buffer.</summary>
    public static PooledBuffer CopyOf(in ReadOnlySequence<byte> source)
    {
        int length = checked((int)source.Length);
        byte[] array = length == 0 ? [] : ArrayPool<byte>.Shared.Rent(length);
        source.CopyTo(array);
        return new PooledBuffer(array, length);
    }

    /// <summary>Copies <paramref name="source"/> into a freshly rented buffer.</summary>
    public static PooledBuffer CopyOf(ReadOnlySpan<byte> source)
    {
        byte[] array = source.IsEmpty ? [] : ArrayPool<byte>.Shared.Rent(source.Length);
        source.CopyTo(array);
        return new PooledBuffer(array, source.Length);
    }

    public void Dispose()
    {
        byte[]? array = Interlocked.Exchange(ref _array, null);
        if (array is { Length: > 0 })
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
