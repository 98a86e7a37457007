using System.Buffers.Binary;
using DKV.Core.Hashing;
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
    public void Records_SegmentWithZeroFill_StopsWhereOnlyZerosAreLeft()
    {
        using var folder = new TempFolder();
        string path = WriteSegment(folder, 10, 0, 7);
        ZeroFill(path, 4096);

        Assert.That(WalFiles.Records(path), Is.EqualTo(new[] { (0L, 19), (19L, 9), (28L, 16) }));
    }

    [Test]
    public void AppendTornRecord_SegmentWithZeroFill_WritesTheTornRecordOverTheZeros()
    {
        using var folder = new TempFolder();
        string path = WriteSegment(folder, 10, 0, 8);
        ZeroFill(path, 4096);

        long offset = WalFiles.AppendTornRecord(path);

        byte[] data = File.ReadAllBytes(path);
        Assert.That(offset, Is.EqualTo(45));
        Assert.That(data, Has.Length.EqualTo(4096), "written inside the zero fill, as the WAL writes");
        Assert.That(data.AsSpan(45, 9 + 4).ToArray(), Is.EqualTo(data.AsSpan(28, 9 + 4).ToArray()));
        Assert.That(data.AsSpan(45 + 9 + 4).ContainsAnyExcept((byte)0), Is.False);
        Assert.That(WalFiles.Records(path), Has.Count.EqualTo(3), "the torn record fails its checksum, though its length fits in the zeros");
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

    /// <summary>Extends the file with zeros to <paramref name="length"/> bytes, as the WAL's zero fill does.</summary>
    private static void ZeroFill(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(length);
    }

    /// <summary>Records with the given payload sizes (header: length, the CRC32C of type and payload, type 1).</summary>
    private static string WriteSegment(TempFolder folder, params int[] payloads)
    {
        using var stream = new MemoryStream();
        foreach (int payload in payloads)
        {
            byte[] header = new byte[WalFiles.HeaderBytes];
            BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload);
            header[8] = 1;
            byte[] body = Enumerable.Range(0, payload).Select(i => (byte)i).ToArray();
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), Crc32C.Compute([1, .. body]));
            stream.Write(header);
            stream.Write(body);
        }

        string path = folder.File("00000000000000000001.wal");
        File.WriteAllBytes(path, stream.ToArray());
        return path;
    }
}
