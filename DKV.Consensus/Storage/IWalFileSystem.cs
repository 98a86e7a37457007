namespace DKV.Consensus.Storage;

/// <summary>
/// The few file-system operations the write-ahead log and the snapshot store need, so that the deterministic simulator can
/// run them over a simulated disk (<see cref="SimulatedWalFileSystem"/>) and production over the real one
/// (<see cref="PhysicalWalFileSystem"/>).
/// </summary>
/// <remarks>
/// Durability contract: file contents are durable after <see cref="IWalFile.Sync"/>; creating, renaming and deleting a name
/// is durable only after <see cref="SyncDirectory"/> on the containing directory. Paths are full paths.
/// </remarks>
public interface IWalFileSystem
{
    /// <summary>Creates the directory (and parents) when missing.</summary>
    void CreateDirectory(string directory);

    /// <summary>
    /// Opens <paramref name="path"/> for writing from byte <paramref name="offset"/> on (creating it empty when missing); bytes
    /// after <paramref name="offset"/> are overwritten. The caller owns the returned file.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="offset">Where the first append writes; at most the file's length (else <see cref="ArgumentOutOfRangeException"/>).
    /// Every byte from here to the end of the file must be zero when <paramref name="zeroFillChunkBytes"/> is positive.</param>
    /// <param name="zeroFillChunkBytes">0: the file grows only by what is appended. Positive: whenever an append would pass the end
    /// of the file, the file is first extended with written zeros to at least this many bytes past its old end (never
    /// preallocated holes: writing into those converts extents, which is journalled again).</param>
    IWalFile OpenAppend(string path, long offset, long zeroFillChunkBytes);

    /// <summary>True when the file exists.</summary>
    bool Exists(string path);

    /// <summary>The length of the file in bytes.</summary>
    long GetLength(string path);

    /// <summary>Reads the whole file.</summary>
    byte[] ReadAll(string path);

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; returns the count read (0 at the end).</summary>
    int ReadAt(string path, long offset, Span<byte> buffer);

    /// <summary>Cuts the file to <paramref name="length"/> bytes and makes the new length durable.</summary>
    void Truncate(string path, long length);

    /// <summary>Renames <paramref name="source"/> to <paramref name="destination"/>, replacing it atomically when it exists.</summary>
    void Rename(string source, string destination);

    /// <summary>Deletes the file when it exists.</summary>
    void Delete(string path);

    /// <summary>The names (not paths) of the files directly in <paramref name="directory"/>, in ordinal order.</summary>
    IReadOnlyList<string> ListFiles(string directory);

    /// <summary>Makes the creation, renaming and deletion of names in <paramref name="directory"/> durable (fsync of the directory).</summary>
    void SyncDirectory(string directory);
}
