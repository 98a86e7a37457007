using System.Buffers.Binary;
using DKV.EndToEnd.Tests.Cluster.Infrastructure;
using DKV.EndToEnd.Tests.Infrastructure;

namespace DKV.EndToEnd.Tests.Cluster;

/// <summary>The WAL damage helper finds record boundaries and damages exactly the record it says.</summary>
public sealed class WalFilesTests
{
    [Test]
    public void Records_ThreeRecords_FindsEachBoundary()
    {
        using var folder = new TempFolder();
        string path = WriteSegment(folder, 10, 0, 7);

        var records = WalFiles.Records(path);

        Assert.That(records, Is.EqualTo(new[] { (0L, 19), (19L, 9), (28L, 16) }));
    }

    [Test]
    public void AppendTornRecord_EndsTheFileInsideAHalfCopiedRecord()
    {
        using var folder = new TempFolder();
        string path = WriteSegment(folder, 10, 0, 8);

        long offset = WalFiles.AppendTornRecord(path);

        Assert.That(offset, Is.EqualTo(45));
        Assert.That(new FileInfo(path).Length, Is.EqualTo(45 + 9 + 4));
        Assert.That(WalFiles.Records(path), Has.Count.EqualTo(3), "the torn record is not a whole record");
        Assert.Throws<InvalidOperationException>(() => WalFiles.AppendTornRecord(path));
    }

    [Test]
    public void CorruptMiddleRecord_FlipsOnePayloadByteOfTheMiddleRecord()
    {
        using var folder = new TempFolder();
        string path = WriteSegment(folder, 4, 6, 4);
        byte[] before = File.ReadAllBytes(path);

        long offset = WalFiles.CorruptMiddleRecord(path);

        byte[] after = File.ReadAllBytes(path);
        int[] changed = [.. Enumerable.Range(0, before.Length).Where(i => before[i] != after[i])];
        Assert.That(offset, Is.EqualTo(13));
        Assert.That(changed, Is.EqualTo(new[] { 13 + 9 + 3 }));
    }

    [Test]
    public void LastSegments_TwoDirectories_NewestOfEach()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("a"));
        Directory.CreateDirectory(folder.File("b"));
        foreach (string name in new[] { "a/00000000000000000001.wal", "a/00000000000000000002.wal", "b/00000000000000000001.wal", "b/snapshot.bin" })
        {
            File.WriteAllBytes(folder.File(name), []);
        }

        var segments = WalFiles.LastSegments(folder.Path);

        Assert.That(segments, Is.EqualTo(new[] { folder.File("a/00000000000000000002.wal"), folder.File("b/00000000000000000001.wal") }));
    }

    /// <summary>Records with the given payload sizes (header: length, a dummy checksum, type 1).</summary>
    private static string WriteSegment(TempFolder folder, params int[] payloads)
    {
        using var stream = new MemoryStream();
        foreach (int payload in payloads)
        {
            byte[] header = new byte[WalFiles.HeaderBytes];
            BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload);
            header[8] = 1;
            stream.Write(header);
            stream.Write(Enumerable.Range(0, payload).Select(i => (byte)i).ToArray());
        }

        string path = folder.File("00000000000000000001.wal");
        File.WriteAllBytes(path, stream.ToArray());
        return path;
    }
}
