namespace DKV.Consensus.Storage;

/// <summary>
/// A file opened for writing at a logical position through <see cref="IWalFileSystem.OpenAppend"/>. Written bytes are not
/// durable until <see cref="Sync"/> returns. Not thread-safe: one writer at a time.
/// </summary>
/// <remarks>
/// With zero fill on, the file on disk is longer than <see cref="Length"/>: the bytes after it are written zeros, so that an
/// <see cref="Append"/> overwrites blocks that already exist and a <see cref="Sync"/> does not change the file's size.
/// </remarks>
public interface IWalFile : IDisposable
{
    /// <summary>The full path the file was opened with.</summary>
    string Path { get; }

    /// <summary>
    /// The logical length in bytes: where the next <see cref="Append"/> writes (the offset the file was opened at plus every byte
    /// appended since, synced or not). Zero fill ahead of it is not counted.
    /// </summary>
    long Length { get; }

    /// <summary>Writes <paramref name="data"/> at <see cref="Length"/> and advances it (not durable until <see cref="Sync"/>).</summary>
    void Append(ReadOnlySpan<byte> data);

    /// <summary>
    /// Makes every byte appended so far, and the file's size, durable (fdatasync where available, else fsync). Does not make
    /// the file's directory entry durable.
    /// </summary>
    void Sync();
}
