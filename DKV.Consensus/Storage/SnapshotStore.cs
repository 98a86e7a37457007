using System.Buffers.Binary;
using System.Globalization;
using DKV.Consensus.Raft;
using DKV.Core.Errors;
using DKV.Core.Hashing;

namespace DKV.Consensus.Storage;

/// <summary>
/// Durable snapshot files, one current file per group: <c>snap-{group:D20}-{index:D20}.snap</c>, laid out as
/// <c>[u32 magic "DKVS"][u64 group][u64 index][u64 term][u32 voter count][u64 voters...][u32 data length][data][u32 crc32c of all before]</c>.
/// A save writes a temp file, fsyncs it, renames it into place and fsyncs the directory, so a crash leaves either the old or the
/// new snapshot, never a partial one. Thread-safe for different groups; one writer per group.
/// </summary>
public sealed class SnapshotStore
{
    private const uint Magic = 0x53564B44; // "DKVS"
    private const string Extension = ".snap";
    private const string TempExtension = ".tmp";
    private const int FixedBytes = 4 + 8 + 8 + 8 + 4 + 4 + 4;

    private readonly IWalFileSystem _fs;
    private readonly string _directory;
    private readonly long _maxSnapshotBytes;

    /// <summary>Creates a store over <paramref name="directory"/> (created when missing); files above <paramref name="maxSnapshotBytes"/> are refused.</summary>
    public SnapshotStore(IWalFileSystem fileSystem, string directory, long maxSnapshotBytes = 1L << 30)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSnapshotBytes, FixedBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxSnapshotBytes, int.MaxValue);
        _fs = fileSystem;
        _directory = directory;
        _maxSnapshotBytes = maxSnapshotBytes;
        _fs.CreateDirectory(directory);
    }

    /// <summary>Durably stores <paramref name="snapshot"/> as the group's current snapshot, then deletes the group's older ones.</summary>
    public void Save(ulong groupId, RaftSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ulong[] voters = snapshot.Metadata.Voters ?? [];
        long size = FixedBytes + (8L * voters.Length) + snapshot.Data.Length;
        if (size > _maxSnapshotBytes)
        {
            throw new DkvException(DkvErrorCode.TooLarge,
                $"snapshot of group {groupId} at index {snapshot.Metadata.Index} is {size} bytes, above the limit of " +
                $"{_maxSnapshotBytes}; raise the snapshot size limit");
        }

        byte[] image = Encode(groupId, snapshot, voters, (int)size);
        string final = FileName(groupId, snapshot.Metadata.Index);
        string temp = final + TempExtension;
        _fs.Delete(temp);
        using (IWalFile file = _fs.OpenAppend(temp, offset: 0, zeroFillChunkBytes: 0))
        {
            file.Append(image);
            file.Sync();
        }

        _fs.Rename(temp, final);
        _fs.SyncDirectory(_directory);
        DeleteOlder(groupId, snapshot.Metadata.Index);
    }

    /// <summary>
    /// The group's current snapshot, or null when it has none. Leftover temp files from a crashed save are ignored. Throws
    /// <see cref="DkvException"/> (Corrupt) naming the file when the current snapshot fails its checksum or layout checks.
    /// </summary>
    public RaftSnapshot? Load(ulong groupId)
    {
        string? latest = null;
        ulong latestIndex = 0;
        foreach ((ulong group, ulong index, string path) in List())
        {
            if (group == groupId && (latest is null || index >= latestIndex))
            {
                latest = path;
                latestIndex = index;
            }
        }

        return latest is null ? null : Read(latest, groupId, latestIndex);
    }

    private static byte[] Encode(ulong groupId, RaftSnapshot snapshot, ulong[] voters, int size)
    {
        var image = new byte[size];
        Span<byte> span = image;
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt64LittleEndian(span[4..], groupId);
        BinaryPrimitives.WriteUInt64LittleEndian(span[12..], snapshot.Metadata.Index);
        BinaryPrimitives.WriteUInt64LittleEndian(span[20..], snapshot.Metadata.Term);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], voters.Length);
        int at = 32;
        foreach (ulong voter in voters)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], voter);
            at += 8;
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[at..], snapshot.Data.Length);
        snapshot.Data.Span.CopyTo(span[(at + 4)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[^4..], Crc32C.Compute(span[..^4]));
        return image;
    }

    private RaftSnapshot Read(string path, ulong groupId, ulong index)
    {
        long length = _fs.GetLength(path);
        if (length < FixedBytes || length > _maxSnapshotBytes)
        {
            throw Corrupt(path, $"its size {length} is outside [{FixedBytes}, {_maxSnapshotBytes}]");
        }

        byte[] image = _fs.ReadAll(path);
        ReadOnlySpan<byte> span = image;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]);
        uint actual = Crc32C.Compute(span[..^4]);
        if (stored != actual)
        {
            throw Corrupt(path, $"checksum mismatch (stored 0x{stored:X8}, computed 0x{actual:X8})");
        }

        int voterCount = BinaryPrimitives.ReadInt32LittleEndian(span[28..]);
        if (BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic || BinaryPrimitives.ReadUInt64LittleEndian(span[4..]) != groupId
            || BinaryPrimitives.ReadUInt64LittleEndian(span[12..]) != index || voterCount < 0 || voterCount > (image.Length - FixedBytes) / 8)
        {
            throw Corrupt(path, "its header does not match its name or is malformed");
        }

        var voters = new ulong[voterCount];
        for (int i = 0; i < voterCount; i++)
        {
            voters[i] = BinaryPrimitives.ReadUInt64LittleEndian(span[(32 + (8 * i))..]);
        }

        int at = 32 + (8 * voterCount);
        int dataLength = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        if (dataLength != image.Length - FixedBytes - (8 * voterCount))
        {
            throw Corrupt(path, $"its data length {dataLength} does not match the file size {image.Length}");
        }

        ulong term = BinaryPrimitives.ReadUInt64LittleEndian(span[20..]);
        return new RaftSnapshot(new SnapshotMetadata(index, term, voters), span.Slice(at + 4, dataLength).ToArray());
    }

    private static DkvException Corrupt(string path, string what) =>
        new(DkvErrorCode.Corrupt,
            $"snapshot file '{path}' is corrupt: {what}; delete it only if a replica can send this node a fresh snapshot");

    private void DeleteOlder(ulong groupId, ulong index)
    {
        bool deleted = false;
        foreach ((ulong group, ulong older, string path) in List())
        {
            if (group == groupId && older < index)
            {
                _fs.Delete(path);
                deleted = true;
            }
        }

        if (deleted)
        {
            _fs.SyncDirectory(_directory);
        }
    }

    private List<(ulong Group, ulong Index, string Path)> List()
    {
        var result = new List<(ulong, ulong, string)>();
        foreach (string name in _fs.ListFiles(_directory))
        {
            string[] parts = name.Split('-', '.');
            if (parts.Length == 4 && parts[0] == "snap" && parts[3] == "snap"
                && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong group)
                && ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out ulong index))
            {
                result.Add((group, index, Path.Combine(_directory, name)));
            }
        }

        return result;
    }

    private string FileName(ulong groupId, ulong index) =>
        Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"snap-{groupId:D20}-{index:D20}{Extension}"));
}
