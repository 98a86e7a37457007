using DKV.Consensus.Interop;
using Microsoft.Win32.SafeHandles;

namespace DKV.Consensus.Storage;

/// <summary>
/// A real file written with positional writes at a logical position, with an optional region of written zeros kept ahead of it.
/// </summary>
/// <remarks>
/// Why: an fsync after an append changes the file's size, so ext4 commits its journal on every sync; writing into blocks that
/// already hold zeros and syncing with fdatasync flushes only the data (measured on the 2-core VM: see Storage/README.md).
/// Not thread-safe: one writer, as <see cref="IWalFile"/> says.
/// </remarks>
internal sealed class PhysicalWalFile : IWalFile
{
    private static readonly ReadOnlyMemory<byte> s_zeros = new byte[64 * 1024];

    private readonly SafeFileHandle _handle;
    private readonly long _zeroFillChunkBytes;
    private long _position;
    private long _fileBytes;

    internal PhysicalWalFile(string path, long offset, long zeroFillChunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(zeroFillChunkBytes);
        Path = path;
        _handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        _fileBytes = RandomAccess.GetLength(_handle);
        if (offset > _fileBytes)
        {
            _handle.Dispose();
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                $"cannot write '{path}' from offset {offset}: the file has only {_fileBytes} bytes");
        }

        _position = offset;
        _zeroFillChunkBytes = zeroFillChunkBytes;
    }

    public string Path { get; }

    public long Length => _position;

    /// <summary>How many syncs used fdatasync (the rest fell back to a full flush). For tests.</summary>
    internal long DataSyncCount { get; private set; }

    /// <summary>How many bytes of zeros this handle wrote ahead of the data. For tests.</summary>
    internal long ZeroFilledBytes { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        long end = _position + data.Length;
        if (_zeroFillChunkBytes > 0 && end > _fileBytes)
        {
            ZeroFill(Math.Max(end, _fileBytes + _zeroFillChunkBytes));
        }

        RandomAccess.Write(_handle, data, _position);
        _position = end;
        _fileBytes = Math.Max(_fileBytes, end);
    }

    public void Sync()
    {
        if (FileDataSync.Sync(_handle, Path))
        {
            DataSyncCount++;
        }
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>Extends the file with written zeros up to <paramref name="newEnd"/> (64 KiB per write; this runs once per chunk).</summary>
    private void ZeroFill(long newEnd)
    {
        while (_fileBytes < newEnd)
        {
            int piece = (int)Math.Min(newEnd - _fileBytes, s_zeros.Length);
            RandomAccess.Write(_handle, s_zeros.Span[..piece], _fileBytes);
            _fileBytes += piece;
            ZeroFilledBytes += piece;
        }
    }
}
