namespace DKV.Consensus.Storage;

/// <summary>
/// A file opened for appending through an <see cref="IWalFileSystem"/>. Written bytes are not durable until <see cref="Sync"/>
/// returns. Not thread-safe: one writer at a time.
/// </summary>
public interface IWalFile : IDisposable
{
    /// <summary>The full path the file was opened with.</summary>
    string Path { get; }

    /// <summary>The current length in bytes, including appended bytes not yet synced.</summary>
    long Length { get; }

    /// <summary>Appends <paramref name="data"/> at the end of the file (not durable until <see cref="Sync"/>).</summary>
    void Append(ReadOnlySpan<byte> data);

    /// <summary>Makes every byte appended so far durable (fsync). Does not make the file's directory entry durable.</summary>
    void Sync();
}
