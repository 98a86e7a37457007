using DKV.Consensus.Raft;
using DKV.Consensus.Storage;
using DKV.Core.Errors;

namespace DKV.Consensus.Tests.Storage;

/// <summary>
/// Recovery of zero-filled segments on the real disk, in a temp folder deleted afterwards: zero fill is a clean end, damage
/// inside it is a torn tail, and damage with a valid record after it is corruption.
/// </summary>
[TestFixture]
public sealed class PhysicalWalRecoveryTests
{
    private string _directory = "";

    private WalOptions Options => WalTestData.Options(_directory) with { ZeroFillChunkBytes = 16 * 1024 };

    [SetUp]
    public void CreateFolder() => _directory = Directory.CreateTempSubdirectory("dkv-wal-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Open_AfterCleanWrites_FileLongerThanDataAndNothingReported()
    {
        WriteSynced(1, 3, 2);
        string segment = Segment();
        long end = DataEnd(segment);
        Assert.That(new FileInfo(segment).Length, Is.EqualTo(16 * 1024), "the segment is zero-filled one chunk ahead");

        using (var reopened = WriteAheadLog.Open(PhysicalWalFileSystem.Instance, Options))
        {
            Assert.That(reopened.RecoveryReport, Is.Null);
            Assert.That(reopened.Recovered[1].Entries, Has.Count.EqualTo(6));
            reopened.Append(1, new HardState(4, 1, 6), WalTestData.Entries(7, 2, 1));
            reopened.Sync();
        }

        Assert.That(DataEnd(segment), Is.GreaterThan(end));
        Assert.That(new FileInfo(segment).Length, Is.EqualTo(16 * 1024), "the append resumed at the data end, inside the zero fill");
        using var again = WriteAheadLog.Open(PhysicalWalFileSystem.Instance, Options);
        Assert.That(again.RecoveryReport, Is.Null);
        Assert.That(again.Recovered[1].Entries.Select(e => e.Index), Is.EqualTo(Enumerable.Range(1, 8).Select(i => (ulong)i)));
        Assert.That(again.Recovered[1].HardState, Is.EqualTo(new HardState(4, 1, 6)));
    }

    [Test]
    public void Open_TornTailInsideZeroFill_CutsReportsAndLaterAppendsSurviveReopen()
    {
        WriteSynced(1, 2, 2);
        string segment = Segment();
        long end = DataEnd(segment);
        byte[] torn = [200, 0, 0, 0, 1, 2, 3, 4, 2, 9, 9, 9, 9, 9];
        WriteAt(segment, end, torn);

        using (var reopened = WriteAheadLog.Open(PhysicalWalFileSystem.Instance, Options))
        {
            Assert.That(reopened.RecoveryReport, Is.EqualTo(new WalRecoveryReport(segment, end, torn.Length, reopened.RecoveryReport!.Reason)));
            Assert.That(new FileInfo(segment).Length, Is.EqualTo(end), "cut at the torn record, zero fill included");
            reopened.Append(1, new HardState(2, 1, 4), WalTestData.Entries(5, 3, 1));
            reopened.Sync();
        }

        Assert.That(new FileInfo(segment).Length, Is.GreaterThan(DataEnd(segment)), "zero-filled ahead again before the next write");
        using var again = WriteAheadLog.Open(PhysicalWalFileSystem.Instance, Options);
        Assert.That(again.RecoveryReport, Is.Null);
        Assert.That(again.Recovered[1].Entries.Select(e => e.Index), Is.EqualTo(Enumerable.Range(1, 7).Select(i => (ulong)i)));
    }

    [Test]
    public void Open_ZerosThenGarbageThenZeros_IsATornTail()
    {
        WriteSynced(1, 2, 2);
        string segment = Segment();
        long end = DataEnd(segment);

        // A torn write whose first page never landed: zeros, then the rest of the record, then the zero fill.
        WriteAt(segment, end + 4096, Enumerable.Range(1, 300).Select(i => (byte)i).ToArray());

        using var reopened = WriteAheadLog.Open(PhysicalWalFileSystem.Instance, Options);
        Assert.That(reopened.RecoveryReport?.Offset, Is.EqualTo(end));
        Assert.That(reopened.RecoveryReport!.DiscardedBytes, Is.EqualTo(4096 + 300));
        Assert.That(reopened.Recovered[1].Entries, Has.Count.EqualTo(4));
    }

    [Test]
    public void Open_ZeroedHeaderFollowedByValidRecord_ThrowsCorruptNamingFileAndOffset()
    {
        long second = WriteThreeSyncedRecords();
        string segment = Segment();
        WriteAt(segment, second, new byte[9]);

        var error = Assert.Throws<DkvException>(() => WriteAheadLog.Open(PhysicalWalFileSystem.Instance, Options))!;
        Assert.That(error.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        Assert.That(error.Message, Does.Contain(segment).And.Contain($"offset {second}").And.Contain("a valid record follows"));
    }

    [Test]
    public void Open_WholeRecordZeroedBeforeValidRecord_ThrowsCorrupt()
    {
        long second = WriteThreeSyncedRecords();
        string segment = Segment();
        var records = Records(segment);
        WriteAt(segment, second, new byte[records[1].Bytes]);

        var error = Assert.Throws<DkvException>(() => WriteAheadLog.Open(PhysicalWalFileSystem.Instance, Options))!;
        Assert.That(error.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        Assert.That(error.Message, Does.Contain($"offset {second}"));
    }

    [Test]
    public void Open_RecordDamagedMidLog_ThrowsCorruptNamingFileAndOffset()
    {
        long second = WriteThreeSyncedRecords();
        string segment = Segment();
        byte[] bytes = File.ReadAllBytes(segment);
        WriteAt(segment, second + 20, [(byte)(bytes[second + 20] ^ 0x55)]);

        var error = Assert.Throws<DkvException>(() => WriteAheadLog.Open(PhysicalWalFileSystem.Instance, Options))!;
        Assert.That(error.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        Assert.That(error.Message, Does.Contain(segment).And.Contain($"offset {second}"));
    }

    [Test]
    public void Sync_PastSegmentBytesWithZeroFill_RollsAndReplaysEverySegment()
    {
        WalOptions options = WalTestData.Options(_directory, segmentBytes: 8192) with { ZeroFillChunkBytes = 4096 };
        using (var wal = WriteAheadLog.Open(PhysicalWalFileSystem.Instance, options))
        {
            AppendSixtySyncedEntries(wal);

            Assert.That(wal.SegmentCount, Is.GreaterThan(2));
        }

        string[] segments = Directory.GetFiles(_directory, "*.wal").Order(StringComparer.Ordinal).ToArray();
        foreach (string segment in segments[..^1])
        {
            long end = DataEnd(segment);
            Assert.That(end, Is.LessThanOrEqualTo(8192), segment);
            Assert.That(new FileInfo(segment).Length, Is.EqualTo(8192), $"{segment} is zero-filled to the segment size");
        }

        using var reopened = WriteAheadLog.Open(PhysicalWalFileSystem.Instance, options);
        Assert.That(reopened.RecoveryReport, Is.Null);
        Assert.That(reopened.Recovered[1].Entries.Select(e => e.Index), Is.EqualTo(Enumerable.Range(1, 60).Select(i => (ulong)i)));
        Assert.That(reopened.Recovered[1].HardState, Is.EqualTo(new HardState(1, 1, 59)));
    }

    [Test]
    public void Sync_SnapshotMarkerPastOldZeroFilledSegments_DeletesThemAndReplayKeepsTail()
    {
        WalOptions options = WalTestData.Options(_directory, segmentBytes: 8192) with { ZeroFillChunkBytes = 4096 };
        using (var wal = WriteAheadLog.Open(PhysicalWalFileSystem.Instance, options))
        {
            AppendSixtySyncedEntries(wal);

            int before = Directory.GetFiles(_directory, "*.wal").Length;
            wal.AppendSnapshotMarker(1, new WalSnapshotMarker(55, 1, 50, ReplacesLog: false));
            wal.Sync();
            Assert.That(Directory.GetFiles(_directory, "*.wal"), Has.Length.LessThan(before));
            Assert.That(wal.SegmentCount, Is.EqualTo(Directory.GetFiles(_directory, "*.wal").Length));
        }

        using var reopened = WriteAheadLog.Open(PhysicalWalFileSystem.Instance, options);
        Assert.That(reopened.RecoveryReport, Is.Null);
        Assert.That(reopened.Recovered[1].Entries.Select(e => e.Index), Is.EqualTo(Enumerable.Range(50, 11).Select(i => (ulong)i)));
        Assert.That(reopened.Recovered[1].Snapshot, Is.EqualTo(new WalSnapshotMarker(55, 1, 50, false)));
        Assert.That(reopened.Recovered[1].HardState, Is.EqualTo(new HardState(1, 1, 59)));
    }

    private void WriteSynced(ulong first, int syncs, int entriesPerSync)
    {
        using var wal = WriteAheadLog.Open(PhysicalWalFileSystem.Instance, Options);
        for (int i = 0; i < syncs; i++)
        {
            wal.Append(1, new HardState(2, 1, first), WalTestData.Entries(first, entriesPerSync, 1));
            wal.Sync();
            first += (ulong)entriesPerSync;
        }
    }

    /// <summary>Three entries records, each synced; returns where the second starts.</summary>
    private long WriteThreeSyncedRecords()
    {
        using var wal = WriteAheadLog.Open(PhysicalWalFileSystem.Instance, Options);
        wal.Append(1, null, WalTestData.Entries(1, 2, 1));
        wal.Sync();
        long second = DataEnd(Segment());
        wal.Append(1, null, WalTestData.Entries(3, 2, 1));
        wal.Sync();
        wal.Append(1, null, WalTestData.Entries(5, 2, 1));
        wal.Sync();
        return second;
    }

    private string Segment() => Directory.GetFiles(_directory, "*.wal").Single();

    private static long DataEnd(string segment) => WalTestData.RecordsEnd(File.ReadAllBytes(segment));

    private static List<(long Offset, int Bytes)> Records(string segment)
    {
        byte[] data = File.ReadAllBytes(segment);
        var records = new List<(long, int)>();
        long offset = 0;
        long end = WalTestData.RecordsEnd(data);
        while (offset < end)
        {
            int bytes = 9 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)offset));
            records.Add((offset, bytes));
            offset += bytes;
        }

        return records;
    }

    private static void WriteAt(string path, long offset, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.Position = offset;
        stream.Write(bytes);
    }

    // 60 entries of 300 bytes, each synced on its own: several 8 KiB segments.
    private static void AppendSixtySyncedEntries(WriteAheadLog wal)
    {
        for (ulong i = 1; i <= 60; i++)
        {
            wal.Append(1, new HardState(1, 1, i - 1), WalTestData.Entries(i, 1, 1, dataBytes: 300));
            wal.Sync();
        }
    }
}
