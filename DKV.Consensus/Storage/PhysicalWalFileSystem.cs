using DKV.Consensus.Interop;

namespace DKV.Consensus.Storage;

/// <summary>
/// <see cref="IWalFileSystem"/> over the real disk: positional writes into a zero-filled region and fdatasync (Linux; a full
/// flush elsewhere) for files, and an fsync of the directory through libc for name changes. Thread-safe as far as the
/// operating system is.
/// </summary>
public sealed class PhysicalWalFileSystem : IWalFileSystem
{
    /// <summary>The shared instance (the type holds no state).</summary>
    public static PhysicalWalFileSystem Instance { get; } = new();

    /// <inheritdoc/>
    public void CreateDirectory(string directory) => Directory.CreateDirectory(directory);

    /// <inheritdoc/>
    public IWalFile OpenAppend(string path, long offset, long zeroFillChunkBytes) =>
        new PhysicalWalFile(path, offset, zeroFillChunkBytes);

    /// <inheritdoc/>
    public bool Exists(string path) => File.Exists(path);

    /// <inheritdoc/>
    public long GetLength(string path) => new FileInfo(path).Length;

    /// <inheritdoc/>
    public byte[] ReadAll(string path) => File.ReadAllBytes(path);

    /// <inheritdoc/>
    public int ReadAt(string path, long offset, Span<byte> buffer)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        int total = 0;
        while (total < buffer.Length)
        {
            int read = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <inheritdoc/>
    public void Truncate(string path, long length)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        RandomAccess.SetLength(handle, length);
        RandomAccess.FlushToDisk(handle);
    }

    /// <inheritdoc/>
    public void Rename(string source, string destination) => File.Move(source, destination, overwrite: true);

    /// <inheritdoc/>
    public void Delete(string path) => File.Delete(path);

    /// <inheritdoc/>
    public IReadOnlyList<string> ListFiles(string directory)
    {
        var names = new List<string>();
        foreach (string path in Directory.EnumerateFiles(directory))
        {
            names.Add(Path.GetFileName(path));
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <inheritdoc/>
    public void SyncDirectory(string directory) => DirectorySync.Sync(directory);
}
