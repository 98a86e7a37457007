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
}
