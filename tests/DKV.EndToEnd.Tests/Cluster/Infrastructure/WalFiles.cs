using System.Buffers.Binary;
using DKV.Core.Hashing;

namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>
/// Damages a stopped node's write-ahead log the way a crash or a bad disk would. Segments are the <c>*.wal</c> files under the
/// data directory; a record is <c>[u32 payload length][u32 crc32c(type + payload)][u8 type][payload]</c>, little-endian (see DKV.Consensus's
/// WalRecordCodec), so a test can find record boundaries without the WAL's code. A segment is zero-filled ahead of its records
/// (the WAL writes into written zeros so that a sync does not change the file size): the records end where only zeros are left.
/// </summary>
internal static class WalFiles
{
    /// <summary>The header before every payload.</summary>
    public const int HeaderBytes = 9;

    /// <summary>The newest segment of every WAL directory under <paramref name="dataDirectory"/>.</summary>
    public static IReadOnlyList<string> LastSegments(string dataDirectory) =>
        [.. Directory.EnumerateFiles(dataDirectory, "*.wal", SearchOption.AllDirectories)
            .GroupBy(path => Path.GetDirectoryName(path)!, StringComparer.Ordinal)
            .Select(group => group.Order(StringComparer.Ordinal).Last())
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// Where each whole, checksum-valid record of <paramref name="path"/> starts and how long it is (header included), up to the
    /// first that is not (a torn record, or the zero fill).
    /// </summary>
    public static IReadOnlyList<(long Offset, int Bytes)> Records(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        var records = new List<(long, int)>();
        long offset = 0;
        while (data.Length - offset >= HeaderBytes && data.AsSpan((int)offset).ContainsAnyExcept((byte)0))
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)offset));
            long total = HeaderBytes + (long)length;
            if (offset + total > data.Length ||
                BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)offset + 4)) !=
                    Crc32C.Compute(data.AsSpan((int)offset + 8, 1 + (int)length)))
            {
                break;
            }

            records.Add((offset, (int)total));
            offset += total;
        }

        return records;
    }

    /// <summary>The newest segment with at least <paramref name="minRecords"/> records; throws naming what it found otherwise.</summary>
    public static string SegmentWithRecords(string dataDirectory, int minRecords)
    {
        var segments = LastSegments(dataDirectory);
        return segments.LastOrDefault(path => Records(path).Count >= minRecords)
            ?? throw new InvalidOperationException(
                $"no write-ahead log segment with {minRecords} records under '{dataDirectory}' (found: {string.Join(", ", segments.Select(p => $"{p} ({Records(p).Count} records)"))})");
    }

    /// <summary>
    /// Leaves <paramref name="path"/> ending in the middle of a record, as a crash during an unsynced write does: a copy of the last
    /// record's header and half its payload is written after the last whole record (over the zero fill, where the WAL would have
    /// written next). Returns where the torn record starts.
    /// </summary>
    /// <remarks>
    /// Cutting an existing record instead would remove a record the node had synced and acknowledged, which a crash cannot do
    /// (that is data loss, and Raft rightly stops on it: the leader knows the follower had that entry).
    /// </remarks>
    public static long AppendTornRecord(string path)
    {
        var (offset, bytes) = Records(path)[^1];
        byte[] data = File.ReadAllBytes(path);
        long end = offset + bytes;
        if (data.AsSpan((int)end).ContainsAnyExcept((byte)0))
        {
            throw new InvalidOperationException($"'{path}' already ends in a partial record at offset {end}");
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.Position = end;
        file.Write(data, (int)offset, HeaderBytes + ((bytes - HeaderBytes) / 2));
        return end;
    }

    /// <summary>Flips one payload byte of a record in the middle of <paramref name="path"/> (valid records follow it). Returns where that record starts.</summary>
    public static long CorruptMiddleRecord(string path)
    {
        var records = Records(path);
        if (records.Count < 3)
        {
            throw new InvalidOperationException($"'{path}' has {records.Count} records; corrupting one in the middle needs at least 3");
        }

        var (offset, bytes) = records[records.Count / 2];
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        long at = offset + HeaderBytes + ((bytes - HeaderBytes) / 2);
        file.Position = at;
        int original = file.ReadByte();
        file.Position = at;
        file.WriteByte((byte)(original ^ 0x5A));
        return offset;
    }
}
