namespace DKV.Testing.Engines;

/// <summary>A read-only stream over bytes that cannot seek or report its length, like a socket or pipe.</summary>
/// <remarks>Reads at most <c>chunkBytes</c> per call, to exercise readers that must loop.</remarks>
public sealed class NonSeekableStream : Stream
{
    private readonly byte[] _data;
    private readonly int _chunkBytes;
    private int _position;

    public NonSeekableStream(byte[] data, int chunkBytes = 4096)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        _data = data;
        _chunkBytes = chunkBytes;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("this stream cannot report its length");

    public override long Position
    {
        get => throw new NotSupportedException("this stream cannot seek");
        set => throw new NotSupportedException("this stream cannot seek");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int count = Math.Min(Math.Min(buffer.Length, _chunkBytes), _data.Length - _position);
        _data.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("this stream cannot seek");

    public override void SetLength(long value) => throw new NotSupportedException("this stream is read-only");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("this stream is read-only");
}
