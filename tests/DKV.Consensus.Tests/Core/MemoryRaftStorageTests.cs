using DKV.Consensus.Raft;
using DKV.Consensus.Storage;
using DKV.Consensus.Tests.Scenarios.Harness;

namespace DKV.Consensus.Tests.Core;

public sealed class MemoryRaftStorageTests
{
    [Test]
    public void Append_Truncation_DoesNotChangeMemoryHandedOutEarlier()
    {
        var storage = Logs.Stored(2, 0, 1, 1, 1);
        ReadOnlyMemory<LogEntry> before = storage.Entries(1, 4, long.MaxValue);

        storage.Append([new LogEntry(2, 2, EntryType.Normal, default)]);

        Assert.That(before.Span[1].Term, Is.EqualTo(1UL));
        Assert.That(Logs.Terms(storage), Is.EqualTo(new ulong[] { 1, 2 }));
    }

    [Test]
    public void Append_Gap_Throws()
    {
        var storage = Logs.Stored(1, 0, 1);
        Assert.Throws<RaftSafetyException>(() => storage.Append([new LogEntry(3, 1, EntryType.Normal, default)]));
    }

    [Test]
    public void Compact_KeepsTailAndTermBeforeIt()
    {
        var storage = Logs.Stored(1, 0, 1, 1, 2, 2, 3);
        var snapshot = new RaftSnapshot(new SnapshotMetadata(4, 2, [1]), default);

        storage.Compact(new CompactionPlan(snapshot, 3));

        Assert.That((storage.FirstIndex, storage.LastIndex), Is.EqualTo((3UL, 5UL)));
        Assert.That(storage.TryGetTerm(2, out ulong term) && term == 1, Is.True, "the term before the first entry is kept");
        Assert.That(storage.TryGetTerm(1, out _), Is.False);
        Assert.Throws<ArgumentOutOfRangeException>(() => storage.Entries(2, 4, long.MaxValue));
    }

    [Test]
    public void Entries_MaxBytes_ReturnsAtLeastOne()
    {
        var storage = Logs.Stored(1, 0, 1, 1, 1);
        Assert.That(storage.Entries(1, 4, 1).Length, Is.EqualTo(1));
        Assert.That(storage.Entries(1, 4, long.MaxValue).Length, Is.EqualTo(3));
    }
}
