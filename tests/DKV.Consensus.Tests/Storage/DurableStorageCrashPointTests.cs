using System.Buffers.Binary;
using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Consensus.Tests.Storage;

/// <summary>
/// Crashes a single-node group at every write, fsync, rename and delete boundary of a script that appends, snapshots and
/// compacts (deleting WAL segments), restarts from disk and checks: every synced entry survives with its term and data, no
/// entry that was never written is served, the snapshot is whole and no older than the last completed save, and the group
/// accepts and commits new writes after the restart.
/// </summary>
[TestFixture]
public sealed class DurableStorageCrashPointTests
{
    [Test]
    [CancelAfter(120_000)]
    public void Restore_CrashAtEveryBoundaryOfACompactionScript_SyncedLogSurvivesAndNothingTornIsServed(
        [Values(1UL, 2UL)] ulong seed, [Values(true, false)] bool tear)
    {
        var dry = new SimulatedWalFileSystem(new SeededRandomSource(seed));
        Assert.That(new StorageRun().Execute(dry, Proposals, CompactEvery, Tail, out _), Is.False);
        long boundaries = dry.BoundaryCount;
        Assert.That(boundaries, Is.GreaterThan(100), "the script must exercise many boundaries");

        int zeroTails = 0;
        for (long k = 1; k <= boundaries; k++)
        {
            var fs = new SimulatedWalFileSystem(new SeededRandomSource(seed * 10_000 + (ulong)k)) { TearUnsyncedTails = tear, CrashAtBoundary = k };
            var run = new StorageRun();
            Assert.That(run.Execute(fs, Proposals, CompactEvery, Tail, out _), Is.True, $"boundary {k} did not crash");
            fs.Crash();
            zeroTails += WalTestData.LastSegmentEndsInZeroFill(fs, StorageRun.Options.Directory) ? 1 : 0;
            string context = $"seed {seed}, tear {tear}, crash at boundary {k} of {boundaries}";
            CheckRestart(fs, run, context);
        }

        Assert.That(zeroTails, Is.GreaterThan(0), "some crashes must leave the last segment ending in zero fill");
    }

    private const int Proposals = 70;
    private const int CompactEvery = 20;
    private const ulong Tail = 4;

    private static void CheckRestart(SimulatedWalFileSystem fs, StorageRun run, string context)
    {
        ulong lastIndex;
        using (var wal = WriteAheadLog.Open(fs, StorageRun.Options))
        {
            var storage = DurableRaftStorage.Restore(1, wal, new SnapshotStore(fs, StorageRun.SnapshotDirectory));
            CheckServedLog(storage, run, context);

            // The restarted group must take new writes and keep them across another restart.
            var node = new RaftNode(StorageRun.Config(Tail), storage, new SeededRandomSource(2));
            node.Campaign();
            Drain(node, storage, wal);
            node.Propose(new byte[] { 0xAB });
            Drain(node, storage, wal);
            Assert.That(node.CommitIndex, Is.EqualTo(storage.LastIndex), context);
            lastIndex = storage.LastIndex;
        }

        fs.Crash();
        using var again = WriteAheadLog.Open(fs, StorageRun.Options);
        var restored = DurableRaftStorage.Restore(1, again, new SnapshotStore(fs, StorageRun.SnapshotDirectory));
        Assert.That(restored.LastIndex, Is.EqualTo(lastIndex), $"{context}: write after restart lost");
        Assert.That(restored.Entries(lastIndex, lastIndex + 1, long.MaxValue).Span[0].Data.ToArray(), Is.EqualTo(new byte[] { 0xAB }), context);
    }

    private static void CheckServedLog(DurableRaftStorage storage, StorageRun run, string context)
    {
        ulong snapshotIndex = 0;
        if (storage.Snapshot is { } snapshot)
        {
            snapshotIndex = snapshot.Metadata.Index;
            Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(snapshot.Data.Span), Is.EqualTo(snapshotIndex), $"{context}: snapshot image");
            Assert.That(snapshot.Metadata.Term, Is.EqualTo(run.Written[snapshotIndex].Term), $"{context}: snapshot term");
        }

        Assert.That(snapshotIndex, Is.GreaterThanOrEqualTo(run.DurableSnapshotIndex), $"{context}: a completed snapshot save was lost");
        Assert.That(storage.LastIndex, Is.GreaterThanOrEqualTo(run.SyncedLastIndex), $"{context}: synced entries lost");
        Assert.That(storage.FirstIndex, Is.LessThanOrEqualTo(snapshotIndex + 1), $"{context}: a gap after the snapshot");
        for (ulong index = storage.FirstIndex; index <= storage.LastIndex; index++)
        {
            LogEntry entry = storage.Entries(index, index + 1, long.MaxValue).Span[0];
            Assert.That(run.Written.TryGetValue(index, out var written), Is.True, $"{context}: entry {index} was never written");
            Assert.That((entry.Term, entry.Data.ToArray()), Is.EqualTo((written.Term, written.Data)), $"{context}: entry {index} differs");
        }

        Assert.That(storage.TryGetTerm(storage.FirstIndex - 1, out ulong anchorTerm), Is.True, context);
        if (storage.FirstIndex > 1)
        {
            Assert.That(anchorTerm, Is.EqualTo(run.Written[storage.FirstIndex - 1].Term), $"{context}: anchor term");
        }
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
}
