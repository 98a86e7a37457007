using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Consensus.Tests.Storage;

[TestFixture]
public sealed class WalRollTests
{
    [Test]
    public void Open_InstalledSnapshotThenEntriesAcrossASegmentRoll_KeepsEveryEntryAfterTheSnapshot()
    {
        var fs = new SimulatedWalFileSystem(new SeededRandomSource(4));
        WalOptions options = WalTestData.Options(segmentBytes: 4096);
        LogEntry[] after = WalTestData.Entries(101, 60, 3, dataBytes: 100);
        using (var wal = WriteAheadLog.Open(fs, options))
        {
            wal.Append(1, new HardState(2, 1, 5), WalTestData.Entries(1, 5, 2));
            wal.AppendSnapshotMarker(1, new WalSnapshotMarker(100, 3, 101, ReplacesLog: true));
            foreach (LogEntry entry in after)
            {
                wal.Append(1, null, [entry]);
                wal.Sync();
            }

            Assert.That(wal.SegmentCount, Is.GreaterThan(1), "the entries must roll at least one segment");
        }

        fs.Crash();
        using var reopened = WriteAheadLog.Open(fs, options);
        Assert.That(WalTestData.Describe(reopened.Recovered[1].Entries), Is.EqualTo(WalTestData.Describe(after)));
        Assert.That(reopened.Recovered[1].Snapshot?.Index, Is.EqualTo(100UL));
    }

    [Test]
    public void Sync_OneOfTwoGroupsCompacted_KeepsSegmentsUntilEveryGroupIsPastThem()
    {
        var fs = new SimulatedWalFileSystem(new SeededRandomSource(5));
        WalOptions options = WalTestData.Options(segmentBytes: 4096);
        using var wal = WriteAheadLog.Open(fs, options);
        for (ulong index = 1; index <= 100; index++)
        {
            wal.Append(1, null, WalTestData.Entries(index, 1, 1, dataBytes: 60));
            wal.Append(2, null, WalTestData.Entries(index, 1, 1, dataBytes: 60));
            wal.Sync();
        }

        int segments = wal.SegmentCount;
        Assert.That(segments, Is.GreaterThan(3));

        wal.AppendSnapshotMarker(1, new WalSnapshotMarker(99, 1, 99, ReplacesLog: false));
        wal.Sync();
        Assert.That(fs.ListFiles(WalTestData.Directory), Does.Contain("00000000000000000001.wal"), "group 2 still needs every segment");
        Assert.That(wal.SegmentCount, Is.GreaterThanOrEqualTo(segments));

        wal.AppendSnapshotMarker(2, new WalSnapshotMarker(99, 1, 99, ReplacesLog: false));
        wal.Sync();
        Assert.That(wal.SegmentCount, Is.LessThanOrEqualTo(2), "every entry of the older segments is behind both groups' markers");
        Assert.That(fs.ListFiles(WalTestData.Directory), Has.Count.EqualTo(wal.SegmentCount));
    }
}
