using DKV.Consensus.Raft;
using DKV.Consensus.Storage;
using DKV.Core.Errors;

namespace DKV.Consensus.Tests.Storage;

[TestFixture]
public sealed class WriteAheadLogTests
{
    private static SimulatedWalFileSystem NewFs() => new(new SeededRandomSource(42));

    [Test]
    public void Open_AfterSyncedAppendsForTwoGroups_ReplaysHardStateAndEntriesPerGroup()
    {
        SimulatedWalFileSystem fs = NewFs();
        using (var wal = WriteAheadLog.Open(fs, WalTestData.Options()))
        {
            wal.Append(1, new HardState(2, 1, 3), WalTestData.Entries(1, 3, 2));
            wal.Append(7, new HardState(5, 2, 0), WalTestData.Entries(1, 2, 5));
            wal.Sync();
        }

        using var reopened = WriteAheadLog.Open(fs, WalTestData.Options());
        Assert.That(reopened.RecoveryReport, Is.Null);
        Assert.That(reopened.Recovered[1].HardState, Is.EqualTo(new HardState(2, 1, 3)));
        Assert.That(reopened.Recovered[7].HardState, Is.EqualTo(new HardState(5, 2, 0)));
        Assert.That(WalTestData.Describe(reopened.Recovered[1].Entries), Is.EqualTo(WalTestData.Describe(WalTestData.Entries(1, 3, 2))));
        Assert.That(WalTestData.Describe(reopened.Recovered[7].Entries), Is.EqualTo(WalTestData.Describe(WalTestData.Entries(1, 2, 5))));
    }

    [Test]
    public void Open_AppendsNotSyncedBeforeCrash_AreNotReplayed()
    {
        SimulatedWalFileSystem fs = NewFs();
        var wal = WriteAheadLog.Open(fs, WalTestData.Options());
        wal.Append(1, new HardState(1, 0, 0), WalTestData.Entries(1, 2, 1));
        wal.Sync();
        wal.Append(1, new HardState(1, 0, 2), WalTestData.Entries(3, 2, 1));
        fs.Crash();

        using var reopened = WriteAheadLog.Open(fs, WalTestData.Options());
        Assert.That(reopened.Recovered[1].Entries.Select(e => e.Index), Is.EqualTo(new ulong[] { 1, 2 }));
        Assert.That(reopened.Recovered[1].HardState, Is.EqualTo(new HardState(1, 0, 0)));
    }

    [Test]
    public void Sync_PastSegmentSize_RollsSegmentsAndReplaysAcrossThem()
    {
        SimulatedWalFileSystem fs = NewFs();
        using (var wal = WriteAheadLog.Open(fs, WalTestData.Options(segmentBytes: 4096)))
        {
            for (ulong i = 1; i <= 100; i++)
            {
                wal.Append(3, new HardState(1, 0, i - 1), WalTestData.Entries(i, 1, 1, dataBytes: 200));
                wal.Sync();
            }

            Assert.That(wal.SegmentCount, Is.GreaterThan(4));
        }

        Assert.That(fs.ListFiles(WalTestData.Directory), Has.Count.GreaterThan(4));
        using var reopened = WriteAheadLog.Open(fs, WalTestData.Options(segmentBytes: 4096));
        Assert.That(reopened.Recovered[3].Entries.Select(e => e.Index), Is.EqualTo(Enumerable.Range(1, 100).Select(i => (ulong)i)));
        Assert.That(reopened.Recovered[3].HardState, Is.EqualTo(new HardState(1, 0, 99)));
    }

    [Test]
    public async Task SyncAsync_ManyGroupsAndConcurrentCallers_OneFsyncCoversAll()
    {
        SimulatedWalFileSystem fs = NewFs();
        using var wal = WriteAheadLog.Open(fs, WalTestData.Options());
        for (ulong group = 1; group <= 50; group++)
        {
            wal.Append(group, new HardState(1, group, 0), WalTestData.Entries(1, 4, 1));
        }

        long before = fs.FileSyncCount;
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => wal.SyncAsync().AsTask()));
        Assert.That(fs.FileSyncCount - before, Is.EqualTo(1));

        fs.Crash();
        using var reopened = WriteAheadLog.Open(fs, WalTestData.Options());
        Assert.That(reopened.Recovered, Has.Count.EqualTo(50));
        Assert.That(reopened.Recovered.Values.All(g => g.Entries.Count == 4), Is.True);
    }

    [Test]
    public async Task SyncAsync_FsyncFails_CallerSeesErrorAndLogRefusesFurtherWrites()
    {
        SimulatedWalFileSystem fs = NewFs();
        using var wal = WriteAheadLog.Open(fs, WalTestData.Options());
        wal.Append(1, new HardState(1, 0, 0), WalTestData.Entries(1, 1, 1));
        fs.CrashAtBoundary = fs.BoundaryCount + 2;
        await Assert.ThrowsAsync<SimulatedCrashException>(async () => await wal.SyncAsync());
        var error = Assert.Throws<DkvException>(() => wal.Append(1, null, WalTestData.Entries(2, 1, 1)))!;
        Assert.That(error.Message, Does.Contain("failed earlier"));
    }

    [Test]
    public void Open_EntryAppendedAtExistingIndex_TruncatesLaterEntries()
    {
        SimulatedWalFileSystem fs = NewFs();
        using (var wal = WriteAheadLog.Open(fs, WalTestData.Options()))
        {
            wal.Append(1, null, WalTestData.Entries(1, 5, 1));
            wal.Sync();
            wal.Append(1, new HardState(2, 0, 0), WalTestData.Entries(3, 1, 2));
            wal.Sync();
        }

        using var reopened = WriteAheadLog.Open(fs, WalTestData.Options());
        IReadOnlyList<LogEntry> entries = reopened.Recovered[1].Entries;
        Assert.That(entries.Select(e => (e.Index, e.Term)), Is.EqualTo(new[] { (1UL, 1UL), (2UL, 1UL), (3UL, 2UL) }));
    }

    [Test]
    public void Open_TornTailAfterLastSyncedRecord_TruncatesAndReportsFileAndOffset()
    {
        SimulatedWalFileSystem fs = NewFs();
        string path;
        long syncedLength;
        using (var wal = WriteAheadLog.Open(fs, WalTestData.Options()))
        {
            wal.Append(1, new HardState(1, 0, 0), WalTestData.Entries(1, 3, 1));
            wal.Sync();
            path = Path.Combine(WalTestData.Directory, fs.ListFiles(WalTestData.Directory)[^1]);
            syncedLength = WalTestData.RecordsEnd(fs.ReadAll(path));
            Assert.That(fs.GetLength(path), Is.GreaterThan(syncedLength), "the segment is zero-filled ahead of its records");
        }

        using (IWalFile file = fs.OpenAppend(path, syncedLength, zeroFillChunkBytes: 0))
        {
            // The first 20 bytes of a valid 200-byte record, over the zero fill: a write that was cut short.
            file.Append([200, 0, 0, 0, 1, 2, 3, 4, 2, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]);
            file.Sync();
        }

        using var reopened = WriteAheadLog.Open(fs, WalTestData.Options());
        Assert.That(reopened.RecoveryReport, Is.Not.Null);
        Assert.That(reopened.RecoveryReport!.SegmentPath, Is.EqualTo(path));
        Assert.That(reopened.RecoveryReport.Offset, Is.EqualTo(syncedLength));
        Assert.That(reopened.RecoveryReport.DiscardedBytes, Is.EqualTo(20));
        Assert.That(fs.GetLength(path), Is.EqualTo(syncedLength));
        Assert.That(reopened.Recovered[1].Entries, Has.Count.EqualTo(3));
    }

    [Test]
    public void Open_CorruptSyncedRecordFollowedByValidOne_ThrowsCorruptNamingFileAndOffset()
    {
        SimulatedWalFileSystem fs = NewFs();
        string path;
        long secondRecord;
        using (var wal = WriteAheadLog.Open(fs, WalTestData.Options()))
        {
            wal.Append(1, null, WalTestData.Entries(1, 2, 1));
            wal.Sync();
            path = Path.Combine(WalTestData.Directory, fs.ListFiles(WalTestData.Directory)[^1]);
            secondRecord = WalTestData.RecordsEnd(fs.ReadAll(path));
            wal.Append(1, null, WalTestData.Entries(3, 2, 1));
            wal.Sync();
            wal.Append(1, null, WalTestData.Entries(5, 2, 1));
            wal.Sync();
        }

        fs.CorruptByte(path, secondRecord + 30);
        var error = Assert.Throws<DkvException>(() => WriteAheadLog.Open(fs, WalTestData.Options()))!;
        Assert.That(error.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        Assert.That(error.Message, Does.Contain(path).And.Contain($"offset {secondRecord}"));
    }

    [Test]
    public void Open_CorruptRecordInNonFinalSegment_ThrowsCorrupt()
    {
        SimulatedWalFileSystem fs = NewFs();
        using (var wal = WriteAheadLog.Open(fs, WalTestData.Options(segmentBytes: 4096)))
        {
            for (ulong i = 1; i <= 40; i++)
            {
                wal.Append(1, null, WalTestData.Entries(i, 1, 1, dataBytes: 300));
                wal.Sync();
            }
        }

        string first = Path.Combine(WalTestData.Directory, fs.ListFiles(WalTestData.Directory)[0]);
        long last = WalTestData.RecordsEnd(fs.ReadAll(first)) - 1;
        fs.CorruptByte(first, last);
        var error = Assert.Throws<DkvException>(() => WriteAheadLog.Open(fs, WalTestData.Options(segmentBytes: 4096)))!;
        Assert.That(error.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        Assert.That(error.Message, Does.Contain(first).And.Contain("not in the last segment"));
    }

    [Test]
    public void Sync_SnapshotMarkerPastOldSegments_DeletesThemAndReplayKeepsTail()
    {
        SimulatedWalFileSystem fs = NewFs();
        WalOptions options = WalTestData.Options(segmentBytes: 4096);
        using (var wal = WriteAheadLog.Open(fs, options))
        {
            for (ulong i = 1; i <= 60; i++)
            {
                wal.Append(1, new HardState(1, 1, i - 1), WalTestData.Entries(i, 1, 1, dataBytes: 300));
                wal.Append(2, new HardState(1, 1, 0), i <= 2 ? WalTestData.Entries(i, 1, 1) : []);
                wal.Sync();
            }

            int before = wal.SegmentCount;
            wal.AppendSnapshotMarker(1, new WalSnapshotMarker(55, 1, 50, ReplacesLog: false));
            wal.AppendSnapshotMarker(2, new WalSnapshotMarker(2, 1, 3, ReplacesLog: false));
            wal.Sync();
            Assert.That(wal.SegmentCount, Is.LessThan(before));
        }

        using var reopened = WriteAheadLog.Open(fs, options);
        Assert.That(reopened.Recovered[1].Entries.Select(e => e.Index), Is.EqualTo(Enumerable.Range(50, 11).Select(i => (ulong)i)));
        Assert.That(reopened.Recovered[1].Snapshot, Is.EqualTo(new WalSnapshotMarker(55, 1, 50, false)));
        Assert.That(reopened.Recovered[1].HardState, Is.EqualTo(new HardState(1, 1, 59)));
        Assert.That(reopened.Recovered[2].Entries, Is.Empty);
        Assert.That(reopened.Recovered[2].HardState, Is.EqualTo(new HardState(1, 1, 0)));
    }

    [Test]
    public void Append_RecordAboveMaxRecordBytes_ThrowsTooLarge()
    {
        using var wal = WriteAheadLog.Open(NewFs(), WalTestData.Options());
        var error = Assert.Throws<DkvException>(() => wal.Append(1, null, WalTestData.Entries(1, 1, 1, dataBytes: 70 * 1024)))!;
        Assert.That(error.Code, Is.EqualTo(DkvErrorCode.TooLarge));
        Assert.That(error.Message, Does.Contain("MaxRecordBytes"));
    }
}
