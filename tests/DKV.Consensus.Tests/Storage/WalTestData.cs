using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Consensus.Tests.Storage;

/// <summary>Helpers shared by the write-ahead log tests.</summary>
internal static class WalTestData
{
    internal const string Directory = "/sim/wal";

    internal static LogEntry[] Entries(ulong first, int count, ulong term, int dataBytes = 16)
    {
        var entries = new LogEntry[count];
        for (int i = 0; i < count; i++)
        {
            ulong index = first + (ulong)i;
            var data = new byte[dataBytes];
            for (int b = 0; b < data.Length; b++)
            {
                data[b] = (byte)(index * 31 + term * 7 + (ulong)b);
            }

            entries[i] = new LogEntry(index, term, EntryType.Normal, data);
        }

        return entries;
    }

    internal static WalOptions Options(string directory = Directory, long segmentBytes = 64 * 1024) =>
        new() { Directory = directory, SegmentBytes = segmentBytes, MaxRecordBytes = 64 * 1024, MaxBufferedBytes = 1024 * 1024 };

    /// <summary>
    /// Where the whole records of a segment image end, found from the length fields alone (the checksum is not checked): at the
    /// end of the data, at a partial record, or where only zero fill is left.
    /// </summary>
    internal static long RecordsEnd(byte[] data)
    {
        long offset = 0;
        while (data.Length - offset >= 9 && data.AsSpan((int)offset).ContainsAnyExcept((byte)0))
        {
            long next = offset + 9 + System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)offset));
            if (next > data.Length)
            {
                break;
            }

            offset = next;
        }

        return offset;
    }

    /// <summary>True when the newest segment goes on with zeros after its last non-zero byte (the zero fill survived the crash).</summary>
    internal static bool LastSegmentEndsInZeroFill(SimulatedWalFileSystem fs, string directory = Directory)
    {
        string? last = fs.ListFiles(directory).LastOrDefault(name => name.EndsWith(".wal", StringComparison.Ordinal));
        if (last is null)
        {
            return false;
        }

        byte[] data = fs.ReadAll(Path.Combine(directory, last));
        return data.Length > 0 && data[^1] == 0 && data.AsSpan().LastIndexOfAnyExcept((byte)0) < data.Length - 64;
    }

    internal static string Describe(IReadOnlyList<LogEntry> entries) =>
        string.Join(",", entries.Select(e => $"{e.Index}@{e.Term}:{Convert.ToHexString(e.Data.Span)}"));
}
