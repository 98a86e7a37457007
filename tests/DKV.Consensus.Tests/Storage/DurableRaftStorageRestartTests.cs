using System.Buffers.Binary;
using DKV.Consensus.Raft;
using DKV.Consensus.Storage;
using DKV.Core.Errors;

namespace DKV.Consensus.Tests.Storage;

/// <summary>Restart and compaction of <see cref="DurableRaftStorage"/>: the log served after a restart is the log served before.</summary>
[TestFixture]
public sealed class DurableRaftStorageRestartTests
{
    [Test]
    public void Restore_AfterCompactionKeepingATail_ServesTheSameLogAsBeforeTheRestart()
    {
        var fs = new SimulatedWalFileSystem(new SeededRandomSource(5));
        var run = new StorageRun();
        Assert.That(run.Execute(fs, proposals: 120, compactEvery: 40, tail: 7, out DurableRaftStorage? before), Is.False);
        string served = Describe(before!);
        Assert.That(before!.FirstIndex, Is.LessThan(before.Snapshot!.Metadata.Index), "the tail behind the snapshot is kept");

        fs.Crash();
        using var wal = WriteAheadLog.Open(fs, StorageRun.Options);
        var after = DurableRaftStorage.Restore(1, wal, new SnapshotStore(fs, StorageRun.SnapshotDirectory));

        Assert.That(Describe(after), Is.EqualTo(served));
        Assert.That((after.LogBytes, after.LogEntryCount), Is.EqualTo((before.LogBytes, before.LogEntryCount)));
    }

    [Test]
    public void Compact_PastSeveralSegments_DeletesSegmentsWhollyBehindTheCompactionPoint()
    {
        var fs = new SimulatedWalFileSystem(new SeededRandomSource(6));
        var run = new StorageRun();
        Assert.That(run.Execute(fs, proposals: 300, compactEvery: 300, tail: 5, out DurableRaftStorage? storage), Is.False);

        IReadOnlyList<string> segments = fs.ListFiles(WalTestData.Directory);
        using var wal = WriteAheadLog.Open(fs, StorageRun.Options);
        ulong oldest = wal.Recovered[1].Entries[0].Index;

        Assert.That(segments.Count, Is.LessThanOrEqualTo(2), $"300 entries of ~120 bytes fill ~9 segments of 4 KiB; left: {string.Join(", ", segments)}");
        Assert.That(oldest, Is.LessThanOrEqualTo(storage!.FirstIndex - 1), "the anchor entry before the first kept one survives");
    }

    [Test]
    public void LogFigures_AppendCompactRestart_CountEntriesAndBytes()
    {
        var fs = new SimulatedWalFileSystem(new SeededRandomSource(7));
        var run = new StorageRun();
        run.Execute(fs, proposals: 50, compactEvery: 1000, tail: 5, out DurableRaftStorage? storage);
        long fullBytes = storage!.LogBytes;
        Assert.That(storage.LogEntryCount, Is.EqualTo(51UL), "50 proposals and the leader's empty entry");
        Assert.That(fullBytes, Is.EqualTo(run.Written.Values.Sum(w => new LogEntry(1, w.Term, EntryType.Normal, w.Data).SizeBytes)));

        var run2 = new StorageRun();
        var fs2 = new SimulatedWalFileSystem(new SeededRandomSource(7));
        run2.Execute(fs2, proposals: 50, compactEvery: 50, tail: 5, out DurableRaftStorage? compacted);
        Assert.That(compacted!.LogEntryCount, Is.EqualTo(compacted.LastIndex - compacted.FirstIndex + 1));
        Assert.That(compacted.LogBytes, Is.LessThan(fullBytes / 5));
    }

    [Test]
    public void Restore_AfterInstalledSnapshotThenEntries_ServesSnapshotAndEntriesAfterIt()
    {
        var fs = new SimulatedWalFileSystem(new SeededRandomSource(8));
        string served;
        using (var wal = WriteAheadLog.Open(fs, StorageRun.Options))
        {
            var storage = DurableRaftStorage.Restore(1, wal, new SnapshotStore(fs, StorageRun.SnapshotDirectory));
            storage.Persist(ReadyWith(new RaftSnapshot(new SnapshotMetadata(40, 3, [1, 2, 3]), StorageRun.SnapshotData(40)), WalTestData.Entries(41, 5, 3)));
            wal.Sync();
            served = Describe(storage);
        }

        fs.Crash();
        using var reopened = WriteAheadLog.Open(fs, StorageRun.Options);
        var restored = DurableRaftStorage.Restore(1, reopened, new SnapshotStore(fs, StorageRun.SnapshotDirectory));
        Assert.That(Describe(restored), Is.EqualTo(served));
        Assert.That((restored.FirstIndex, restored.LastIndex), Is.EqualTo((41UL, 45UL)));
    }

    [Test]
    public void Restore_MarkerWithoutSnapshotFile_ThrowsCorruptNamingTheGroup()
    {
        var fs = new SimulatedWalFileSystem(new SeededRandomSource(9));
        var run = new StorageRun();
        run.Execute(fs, proposals: 20, compactEvery: 10, tail: 2, out _);
        foreach (string name in fs.ListFiles(StorageRun.SnapshotDirectory))
        {
            fs.Delete(Path.Combine(StorageRun.SnapshotDirectory, name));
        }

        using var wal = WriteAheadLog.Open(fs, StorageRun.Options);
        var ex = Assert.Throws<DkvException>(() => DurableRaftStorage.Restore(1, wal, new SnapshotStore(fs, StorageRun.SnapshotDirectory)));
        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        Assert.That(ex.Message, Does.Contain("group 1"));
    }

    /// <summary>Every index the log answers for, from FirstIndex - 1 to LastIndex, with terms and data, and the snapshot.</summary>
    internal static string Describe(DurableRaftStorage storage)
    {
        storage.TryGetTerm(storage.FirstIndex - 1, out ulong anchorTerm);
        IEnumerable<LogEntry> entries = storage.LastIndex >= storage.FirstIndex
            ? storage.Entries(storage.FirstIndex, storage.LastIndex + 1, long.MaxValue).ToArray()
            : [];
        string snapshot = storage.Snapshot is { } s ? $"{s.Metadata.Index}@{s.Metadata.Term}:{BinaryPrimitives.ReadUInt64LittleEndian(s.Data.Span)}" : "none";
        return $"snap {snapshot}; anchor {storage.FirstIndex - 1}@{anchorTerm}; {WalTestData.Describe(entries.ToList())}";
    }

    private static Ready ReadyWith(RaftSnapshot snapshot, LogEntry[] entries) =>
        new(null, new HardState(3, 2, 40), entries, snapshot, ReadOnlyMemory<LogEntry>.Empty, [], [], mustSync: true);
}
