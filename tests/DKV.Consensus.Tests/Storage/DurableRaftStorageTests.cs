using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Consensus.Tests.Storage;

[TestFixture]
public sealed class DurableRaftStorageTests
{
    private const string SnapshotDirectory = "/sim/snap";

    [Test]
    public void Restore_AfterSingleNodeRunCompactionAndCrash_ServesTheSyncedLogToANewNode()
    {
        var fs = new SimulatedWalFileSystem(new SeededRandomSource(3));
        WalOptions options = WalTestData.Options(segmentBytes: 4096);
        ulong lastIndex;
        HardState hardState;
        using (var wal = WriteAheadLog.Open(fs, options))
        {
            var storage = DurableRaftStorage.Restore(1, wal, new SnapshotStore(fs, SnapshotDirectory));
            var node = new RaftNode(Config(), storage, new SeededRandomSource(1));
            node.Campaign();
            Drain(node, storage, wal);
            for (int i = 0; i < 60; i++)
            {
                node.Propose(new byte[100]);
                Drain(node, storage, wal);
            }

            storage.Compact(node.Compact(node.AppliedIndex - 10, new byte[] { 42 }));
            node.Propose(new byte[] { 7 });
            Drain(node, storage, wal);
            lastIndex = storage.LastIndex;
            hardState = storage.HardState;
            Assert.That(wal.SegmentCount, Is.LessThanOrEqualTo(2), "compaction must delete old segments");

            // Appended but never synced: must not survive the crash.
            wal.Append(1, null, [new LogEntry(lastIndex + 1, hardState.Term, EntryType.Normal, new byte[] { 9 })]);
        }

        fs.Crash();
        using var reopened = WriteAheadLog.Open(fs, options);
        var restored = DurableRaftStorage.Restore(1, reopened, new SnapshotStore(fs, SnapshotDirectory));
        Assert.That(restored.LastIndex, Is.EqualTo(lastIndex));
        Assert.That((restored.HardState.Term, restored.HardState.Vote), Is.EqualTo((hardState.Term, hardState.Vote)));

        // A ready that only advances the commit index does not ask for an fsync (MustSync false), so the last one may be lost.
        Assert.That(restored.HardState.Commit, Is.InRange(hardState.Commit - 1, hardState.Commit));
        Assert.That(restored.Snapshot?.Data.ToArray(), Is.EqualTo(new byte[] { 42 }));
        Assert.That(restored.Entries(lastIndex, lastIndex + 1, long.MaxValue).Span[0].Data.ToArray(), Is.EqualTo(new byte[] { 7 }));

        var again = new RaftNode(Config(), restored, new SeededRandomSource(2));
        again.Campaign();
        Drain(again, restored, reopened);
        Assert.That(again.CommitIndex, Is.EqualTo(lastIndex + 1));
    }

    private static void Drain(RaftNode node, DurableRaftStorage storage, WriteAheadLog wal)
    {
        while (node.HasReady)
        {
            Ready ready = node.GetReady();
            storage.Persist(ready);
            if (ready.MustSync)
            {
                wal.Sync();
            }

            node.Advance(ready);
        }
    }

    private static RaftConfig Config() => new() { NodeId = 1, GroupId = 1, Voters = [1], CompactionTailEntries = 5 };
}
