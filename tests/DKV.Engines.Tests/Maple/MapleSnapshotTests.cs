using DKV.Core.Errors;
using DKV.Core.Storage;
using DKV.Engines.Maple;

namespace DKV.Engines.Tests.Maple;

/// <summary>The Maple snapshot format: layout, version check, and checks a checksum alone cannot make.</summary>
public sealed class MapleSnapshotTests
{
    private static readonly long s_t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    [Test]
    public void Save_Image_MatchesDocumentedLayout()
    {
        using var engine = new MapleEngine();
        engine.SetE("k", "v"u8.ToArray(), s_t0 + 1, s_t0 + 2, new WriteStamp(7, s_t0));
        byte[] expected = new SnapshotImage(writeIndex: 7, count: 1).Entry("k", "v", s_t0 + 1, s_t0 + 2, index: 7).Finish();

        Assert.That(Save(engine), Is.EqualTo(expected));
    }

    [Test]
    public void Load_HandWrittenImage_ServesItsEntries()
    {
        byte[] image = new SnapshotImage(writeIndex: 9, count: 2)
            .Entry("a", "1", index: 3)
            .Entry("b", "2", expireAt: s_t0 + 10, deleteAt: s_t0 + 20, index: 9)
            .Finish();
        using var engine = new MapleEngine();

        Assert.That(engine.Load(new MemoryStream(image)), Is.EqualTo(9UL));
        Assert.That(engine.Get("a", s_t0).Index, Is.EqualTo(3UL));
        Assert.That(engine.Get("b", s_t0 + 10).Found, Is.False);
        Assert.That(engine.Has("b", s_t0 + 19), Is.True);
        Assert.That(engine.Has("b", s_t0 + 20), Is.False);
    }

    [Test]
    public void Load_OtherFormatVersion_CorruptNamingTheVersion()
    {
        byte[] image = new SnapshotImage(writeIndex: 1, count: 0, version: 2).Finish();
        AssertCorrupt(image, "unsupported format version 2");
    }

    [Test]
    public void Load_WrongMagic_CorruptSayingNotASnapshot()
    {
        byte[] image = new SnapshotImage(writeIndex: 1, count: 0).Finish();
        image[0] = (byte)'X';
        SnapshotImage.Reseal(image);
        AssertCorrupt(image, "not a maple snapshot");
    }

    [Test]
    public void Load_UnknownFlags_Corrupt()
    {
        AssertCorrupt(new SnapshotImage(writeIndex: 1, count: 0, flags: 1).Finish(), "unknown flags");
    }

    [Test]
    public void Load_DuplicateKeyWithValidChecksum_Corrupt()
    {
        byte[] image = new SnapshotImage(writeIndex: 5, count: 2).Entry("k", "1").Entry("k", "2").Finish();
        AssertCorrupt(image, "repeats the key 'k'");
    }

    [Test]
    public void Load_EntryIndexAboveWriteIndex_Corrupt()
    {
        byte[] image = new SnapshotImage(writeIndex: 5, count: 1).Entry("k", "1", index: 6).Finish();
        AssertCorrupt(image, "above the snapshot's write index 5");
    }

    [Test]
    public void Load_NegativeDeadline_Corrupt()
    {
        byte[] image = new SnapshotImage(writeIndex: 5, count: 1).Entry("k", "1", expireAt: -5).Finish();
        AssertCorrupt(image, "invalid deadlines");
    }

    [Test]
    public void Load_CountLargerThanTheStream_CorruptBeforeReadingEntries()
    {
        byte[] image = new SnapshotImage(writeIndex: 5, count: ulong.MaxValue).Finish();
        AssertCorrupt(image, "entry count");
    }

    [Test]
    public void Load_KeyLongerThanLimit_Corrupt()
    {
        byte[] image = new SnapshotImage(writeIndex: 5, count: 1).Entry(new string('k', 100), "v").Finish();
        using var engine = new MapleEngine(new MapleOptions { MaxKeyBytes = 50 });
        var error = Assert.Throws<DkvException>(() => engine.Load(new MemoryStream(image)));
        Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        Assert.That(error.Message, Does.Contain("key of 100 bytes, above the limit of 50"));
    }

    [Test]
    public void Load_HugeDeclaredValueOnNonSeekableStream_CorruptWithoutHugeAllocation()
    {
        byte[] image = new SnapshotImage(writeIndex: 5, count: 1).Entry("k", "v").Finish();
        // Value length field sits after magic(8)+version(2)+flags(2)+index(8)+count(8)+keyLength(4)+key(1).
        BitConverterPatch(image, 33, 1_000_000_000u);
        using var engine = new MapleEngine();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<DkvException>(() => engine.Load(new Testing.Engines.NonSeekableStream(image)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        Assert.That(allocated, Is.LessThan(16L << 20), "a lying length must not make the reader allocate it");
    }

    [Test]
    public void Load_SeekableStreamWithTrailingData_LeavesTrailingBytesUnread()
    {
        using var engine = new MapleEngine();
        engine.Set("k", "v"u8.ToArray(), new WriteStamp(1, s_t0));
        byte[] image = Save(engine);
        var stream = new MemoryStream([.. image, 0xAB, 0xCD]);

        using var copy = new MapleEngine();
        copy.Load(stream);

        Assert.That(stream.Position, Is.EqualTo(image.Length));
    }

    [Test]
    public void Load_IntoEngineWithOtherShardCount_ServesSameReads()
    {
        using var engine = new MapleEngine(new MapleOptions { ShardCount = 3 });
        for (int i = 0; i < 200; i++)
        {
            engine.Set($"k{i}", new[] { (byte)i }, new WriteStamp((ulong)i + 1, s_t0));
        }

        using var copy = new MapleEngine(new MapleOptions { ShardCount = 64 });
        copy.Load(new MemoryStream(Save(engine)));

        for (int i = 0; i < 200; i++)
        {
            Assert.That(copy.Get($"k{i}", s_t0).Value.ToArray(), Is.EqualTo(new[] { (byte)i }));
        }
    }

    private static void BitConverterPatch(byte[] image, int offset, uint value) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(offset), value);

    private static byte[] Save(MapleEngine engine)
    {
        using var stream = new MemoryStream();
        engine.Save(stream);
        return stream.ToArray();
    }

    private static void AssertCorrupt(byte[] image, string messagePart)
    {
        using var engine = new MapleEngine();
        engine.Set("existing", "kept"u8.ToArray(), new WriteStamp(3, s_t0));
        var error = Assert.Throws<DkvException>(() => engine.Load(new MemoryStream(image)));
        Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        Assert.That(error.Message, Does.Contain(messagePart));
        Assert.That(engine.Get("existing", s_t0).Found, Is.True, "a failed load leaves the engine unchanged");
    }
}
