using DKV.Consensus.Raft;
using DKV.Simulation;

namespace DKV.Consensus.Tests.Simulation;

/// <summary>The simulated disk loses exactly what was not synced, and recovery rebuilds the log from what survived.</summary>
[TestFixture]
public sealed class SimDiskTests
{
    [Test]
    public void Crash_AfterSync_KeepsEverythingSynced()
    {
        var disk = new SimDisk();
        disk.Write(Entries(1, 2, 3));
        disk.Write(new DiskRecord(null, new HardState(1, 1, 2), null, null));
        disk.Sync();
        disk.Crash(new SimRandom(1));
        var storage = disk.Recover();
        Assert.That(storage.LastIndex, Is.EqualTo(3));
        Assert.That(storage.HardState, Is.EqualTo(new HardState(1, 1, 2)));
    }

    [Test]
    public void Crash_BeforeSync_KeepsOnlyAPrefixOfUnsyncedRecords()
    {
        var seen = new HashSet<ulong>();
        for (ulong seed = 0; seed < 64; seed++)
        {
            var disk = new SimDisk();
            disk.Write(Entries(1));
            disk.Sync();
            disk.Write(Entries(2));
            disk.Write(Entries(3));
            disk.Write(Entries(4));
            int lost = disk.Crash(new SimRandom(seed));
            var storage = disk.Recover();
            Assert.That(storage.LastIndex, Is.EqualTo(4UL - (ulong)lost), "a crash keeps a prefix: no record survives after a lost one");
            seen.Add(storage.LastIndex);
        }

        Assert.That(seen, Is.EquivalentTo(new ulong[] { 1, 2, 3, 4 }), "every prefix length must be possible");
    }

    [Test]
    public void WriteSynced_WithUnsyncedRecordsPending_Throws()
    {
        var disk = new SimDisk();
        disk.Write(Entries(1));
        Assert.Throws<InvalidOperationException>(() => disk.WriteSynced(new DiskRecord(null, new HardState(1, 0, 0), null, null)));
    }

    private static DiskRecord Entries(params ulong[] indexes) =>
        new(indexes.Select(i => new LogEntry(i, 1, EntryType.Normal, new byte[] { (byte)i })).ToArray(), null, null, null);
}
