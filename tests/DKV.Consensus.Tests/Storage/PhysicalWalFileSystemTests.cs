using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Consensus.Tests.Storage;

/// <summary>The real-disk file layer: positional writes, zero fill ahead of the data, fdatasync; in a temp folder deleted afterwards.</summary>
[TestFixture]
public sealed class PhysicalWalFileSystemTests
{
    private string _directory = "";

    [SetUp]
    public void CreateFolder() => _directory = Directory.CreateTempSubdirectory("dkv-walfs-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Append_ZeroFillOn_WritesZerosAheadAndKeepsLogicalLength()
    {
        string path = Path.Combine(_directory, "a.wal");
        using (var file = (PhysicalWalFile)PhysicalWalFileSystem.Instance.OpenAppend(path, 0, zeroFillChunkBytes: 8192))
        {
            file.Append([1, 2, 3]);
            Assert.That(file.Length, Is.EqualTo(3));
            Assert.That(file.ZeroFilledBytes, Is.EqualTo(8192));
            file.Append(new byte[9000]);
            Assert.That(file.Length, Is.EqualTo(9003));
            Assert.That(file.ZeroFilledBytes, Is.EqualTo(8192 + 8192), "one more chunk once the write passes the first");
            file.Sync();
        }

        byte[] data = File.ReadAllBytes(path);
        Assert.That(data, Has.Length.EqualTo(16384));
        Assert.That(data[..3], Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(data[3..].All(b => b == 0), Is.True);
    }

    [Test]
    public void Append_WriteLargerThanChunk_ExtendsToCoverTheWholeWrite()
    {
        string path = Path.Combine(_directory, "a.wal");
        using (IWalFile file = PhysicalWalFileSystem.Instance.OpenAppend(path, 0, zeroFillChunkBytes: 4096))
        {
            file.Append(Enumerable.Repeat((byte)7, 10_000).ToArray());
            file.Sync();
        }

        Assert.That(new FileInfo(path).Length, Is.EqualTo(10_000));
    }

    [Test]
    public void Append_ChunkLargerThanOneGatheredWrite_FillsTheWholeChunkWithZeros()
    {
        string path = Path.Combine(_directory, "a.wal");
        const long chunk = 20L * 1024 * 1024;
        using (var file = (PhysicalWalFile)PhysicalWalFileSystem.Instance.OpenAppend(path, 0, chunk))
        {
            file.Append([1]);
            Assert.That(file.ZeroFilledBytes, Is.EqualTo(chunk));
        }

        Assert.That(new FileInfo(path).Length, Is.EqualTo(chunk));
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
        stream.Position = chunk - 4096;
        byte[] tail = new byte[4096];
        stream.ReadExactly(tail);
        Assert.That(tail.All(b => b == 0), Is.True);
    }

    [Test]
    public void OpenAppend_AtOffsetInsideFile_OverwritesFromThereAndFillsNoMore()
    {
        string path = Path.Combine(_directory, "a.wal");
        File.WriteAllBytes(path, [9, 9, 0, 0, 0, 0, 0, 0]);
        using (var file = (PhysicalWalFile)PhysicalWalFileSystem.Instance.OpenAppend(path, 2, zeroFillChunkBytes: 4096))
        {
            Assert.That(file.Length, Is.EqualTo(2));
            file.Append([5, 6]);
            file.Sync();
            Assert.That(file.ZeroFilledBytes, Is.Zero, "the write fits in the zeros already there");
        }

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 9, 9, 5, 6, 0, 0, 0, 0 }));
    }

    [Test]
    public void ReadAt_ZeroFilledFile_ReadsTheDataThenZerosToTheFileEnd()
    {
        string path = Path.Combine(_directory, "a.wal");
        using (IWalFile file = PhysicalWalFileSystem.Instance.OpenAppend(path, 0, zeroFillChunkBytes: 4096))
        {
            file.Append([1, 2, 3, 4]);
            file.Sync();
        }

        byte[] buffer = new byte[6];
        Assert.That(PhysicalWalFileSystem.Instance.ReadAt(path, 2, buffer), Is.EqualTo(6));
        Assert.That(buffer, Is.EqualTo(new byte[] { 3, 4, 0, 0, 0, 0 }));
        Assert.That(PhysicalWalFileSystem.Instance.ReadAt(path, 4094, buffer), Is.EqualTo(2), "the read stops at the file end");
    }

    [Test]
    public void OpenAppend_OffsetBeyondFile_ThrowsNamingTheFile()
    {
        string path = Path.Combine(_directory, "a.wal");
        File.WriteAllBytes(path, [1, 2]);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PhysicalWalFileSystem.Instance.OpenAppend(path, 3, 0))!;
        Assert.That(error.Message, Does.Contain(path).And.Contain("offset 3"));
    }

    [Test]
    public void Sync_OnLinux_UsesFdatasync()
    {
        string path = Path.Combine(_directory, "a.wal");
        using var file = (PhysicalWalFile)PhysicalWalFileSystem.Instance.OpenAppend(path, 0, zeroFillChunkBytes: 4096);
        file.Append([1]);
        file.Sync();
        file.Append([2]);
        file.Sync();
        Assert.That(file.DataSyncCount, Is.EqualTo(OperatingSystem.IsLinux() ? 2 : 0));
    }

    [Test]
    public void OpenAppend_ZeroFillOff_FileGrowsOnlyByWhatIsWritten()
    {
        string path = Path.Combine(_directory, "snap.tmp");
        using (IWalFile file = PhysicalWalFileSystem.Instance.OpenAppend(path, 0, zeroFillChunkBytes: 0))
        {
            file.Append([1, 2, 3]);
            file.Sync();
        }

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 1, 2, 3 }));
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
