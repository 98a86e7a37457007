using DKV.Consensus.Raft;
using DKV.Consensus.Storage;
using DKV.Core.Errors;

namespace DKV.Consensus.Tests.Storage;

[TestFixture]
public sealed class SnapshotStoreTests
{
    private const string Directory = "/sim/snap";

    private static RaftSnapshot Snapshot(ulong index, int bytes) =>
        new(new SnapshotMetadata(index, index / 2 + 1, [1, 2, 3]), Enumerable.Range(0, bytes).Select(i => (byte)(i + (int)index)).ToArray());

    private static void AssertSame(RaftSnapshot? actual, RaftSnapshot expected)
    {
        Assert.That(actual, Is.Not.Null);
        Assert.That(actual!.Metadata.Index, Is.EqualTo(expected.Metadata.Index));
        Assert.That(actual.Metadata.Term, Is.EqualTo(expected.Metadata.Term));
        Assert.That(actual.Metadata.Voters, Is.EqualTo(expected.Metadata.Voters));
        Assert.That(actual.Data.ToArray(), Is.EqualTo(expected.Data.ToArray()));
    }

    [Test]
    public void Load_AfterSaveAndCrash_ReturnsTheSnapshotAndDeletesOlderOnes()
    {
        var fs = new SimulatedWalFileSystem(new SeededRandomSource(1));
        var store = new SnapshotStore(fs, Directory);
        store.Save(4, Snapshot(5, 100));
        store.Save(4, Snapshot(9, 300));
        store.Save(5, Snapshot(2, 10));
        fs.Crash();

        var reopened = new SnapshotStore(fs, Directory);
        AssertSame(reopened.Load(4), Snapshot(9, 300));
        AssertSame(reopened.Load(5), Snapshot(2, 10));
        Assert.That(reopened.Load(6), Is.Null);
        Assert.That(fs.ListFiles(Directory), Has.Count.EqualTo(2));
    }

    [Test]
    public void Save_CrashAtEveryBoundary_LoadReturnsOldOrNewSnapshotIntact([Values(true, false)] bool tear)
    {
        var dry = new SimulatedWalFileSystem(new SeededRandomSource(1));
        new SnapshotStore(dry, Directory).Save(4, Snapshot(5, 100));
        long start = dry.BoundaryCount;
        new SnapshotStore(dry, Directory).Save(4, Snapshot(9, 300));
        long boundaries = dry.BoundaryCount - start;
        Assert.That(boundaries, Is.GreaterThanOrEqualTo(5));

        int sawNew = 0;
        for (long k = 1; k <= boundaries; k++)
        {
            var fs = new SimulatedWalFileSystem(new SeededRandomSource((ulong)k)) { TearUnsyncedTails = tear };
            new SnapshotStore(fs, Directory).Save(4, Snapshot(5, 100));
            fs.CrashAtBoundary = fs.BoundaryCount + k;
            Assert.Throws<SimulatedCrashException>(() => new SnapshotStore(fs, Directory).Save(4, Snapshot(9, 300)));
            fs.Crash();

            RaftSnapshot? loaded = new SnapshotStore(fs, Directory).Load(4);
            AssertSame(loaded, loaded!.Metadata.Index == 9 ? Snapshot(9, 300) : Snapshot(5, 100));
            sawNew += loaded.Metadata.Index == 9 ? 1 : 0;
        }

        Assert.That(sawNew, Is.GreaterThan(0), "a crash after the directory sync must keep the new snapshot");
    }

    [Test]
    public void Load_CorruptSnapshotFile_ThrowsCorruptNamingTheFile()
    {
        var fs = new SimulatedWalFileSystem(new SeededRandomSource(1));
        var store = new SnapshotStore(fs, Directory);
        store.Save(4, Snapshot(5, 100));
        string path = Path.Combine(Directory, fs.ListFiles(Directory)[0]);
        fs.CorruptByte(path, 60);

        var error = Assert.Throws<DkvException>(() => store.Load(4))!;
        Assert.That(error.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        Assert.That(error.Message, Does.Contain(path).And.Contain("checksum"));
    }
}
