using DKV.Consensus.Raft;
using DKV.Consensus.Storage;
using DKV.Core.Errors;

namespace DKV.Consensus.Tests.Storage;

/// <summary>The write-ahead log on the real disk, in a temp folder deleted afterwards.</summary>
[TestFixture]
public sealed class PhysicalWalFileSystemTests
{
    private string _directory = "";

    [SetUp]
    public void CreateFolder() => _directory = Directory.CreateTempSubdirectory("dkv-wal-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Open_TornTailOnRealDisk_TruncatesAndReports()
    {
        WalOptions options = WalTestData.Options(_directory);
        using (var wal = WriteAheadLog.Open(PhysicalWalFileSystem.Instance, options))
        {
            wal.Append(1, new HardState(3, 1, 2), WalTestData.Entries(1, 3, 3));
            wal.Sync();
        }

        string segment = Directory.GetFiles(_directory, "*.wal").Single();
        long synced = new FileInfo(segment).Length;
        using (var stream = new FileStream(segment, FileMode.Append))
        {
            stream.Write([100, 0, 0, 0, 7, 7, 7, 7, 2, 1, 2, 3]);
        }

        using var reopened = WriteAheadLog.Open(PhysicalWalFileSystem.Instance, options);
        Assert.That(reopened.RecoveryReport?.SegmentPath, Is.EqualTo(segment));
        Assert.That(reopened.RecoveryReport!.Offset, Is.EqualTo(synced));
        Assert.That(new FileInfo(segment).Length, Is.EqualTo(synced));
        Assert.That(reopened.Recovered[1].HardState, Is.EqualTo(new HardState(3, 1, 2)));
        Assert.That(reopened.Recovered[1].Entries, Has.Count.EqualTo(3));
    }

    [Test]
    public void Open_CorruptMiddleRecordOnRealDisk_ThrowsCorruptWithFileAndOffset()
    {
        WalOptions options = WalTestData.Options(_directory);
        long second;
        using (var wal = WriteAheadLog.Open(PhysicalWalFileSystem.Instance, options))
        {
            wal.Append(1, null, WalTestData.Entries(1, 2, 1));
            wal.Sync();
            second = new FileInfo(Directory.GetFiles(_directory, "*.wal").Single()).Length;
            wal.Append(1, null, WalTestData.Entries(3, 2, 1));
            wal.Append(1, null, WalTestData.Entries(5, 2, 1));
            wal.Sync();
        }

        string segment = Directory.GetFiles(_directory, "*.wal").Single();
        byte[] bytes = File.ReadAllBytes(segment);
        bytes[second + 20] ^= 0x55;
        File.WriteAllBytes(segment, bytes);

        var error = Assert.Throws<DkvException>(() => WriteAheadLog.Open(PhysicalWalFileSystem.Instance, options))!;
        Assert.That(error.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        Assert.That(error.Message, Does.Contain(segment).And.Contain($"offset {second}"));
    }

    [Test]
    public void Save_SnapshotOnRealDisk_RenamesIntoPlaceAndLoads()
    {
        var store = new SnapshotStore(PhysicalWalFileSystem.Instance, _directory);
        store.Save(2, new RaftSnapshot(new SnapshotMetadata(7, 2, [1]), new byte[] { 1, 2, 3 }));
        Assert.That(Directory.GetFiles(_directory).Select(Path.GetFileName), Is.EqualTo(new[] { "snap-00000000000000000002-00000000000000000007.snap" }));
        RaftSnapshot? loaded = new SnapshotStore(PhysicalWalFileSystem.Instance, _directory).Load(2);
        Assert.That(loaded?.Data.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }
}
