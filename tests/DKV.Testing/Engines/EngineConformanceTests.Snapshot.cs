using DKV.Core.Errors;
using DKV.Core.Storage;

namespace DKV.Testing.Engines;

/// <summary>Save/Load: exact round trips (including deadlines and expired entries) and rejection of damaged snapshots.</summary>
public abstract partial class EngineConformanceTests
{
    private static readonly string[] s_snapshotKeys =
        ["plain", "expire-later", "delete-later", "both-later", "expired", "expired-then-delete", "expire-called", "deleted", "past-delete", "empty-value", ""];

    [Test]
    public void SaveLoad_ThousandPlainKeys_RoundTrip()
    {
        RequireSnapshots();
        var keys = Enumerable.Range(0, 1000).Select(i => $"key-{i}").ToList();
        foreach (string key in keys)
        {
            Engine.Set(key, Bytes($"value of {key}"), Next());
        }

        IKVDB copy = RoundTrip(Engine, out ulong saved);

        Assert.That(saved, Is.EqualTo(Engine.WriteIndex));
        Assert.That(copy.WriteIndex, Is.EqualTo(saved));
        Assert.That(EngineReads.Capture(copy, keys, [T0]), Is.EqualTo(EngineReads.Capture(Engine, keys, [T0])));
    }

    [Test]
    public void SaveLoad_DeadlinesAndExpiredEntries_SurviveExactly()
    {
        RequireSnapshots();
        FillWithEveryDeadlineKind(Engine);
        long[] instants = [T0, T0 + Seconds(5), T0 + Seconds(10), T0 + Seconds(15), T0 + Seconds(20), T0 + Seconds(1_000_000)];

        IKVDB copy = RoundTrip(Engine, out _);

        Assert.That(EngineReads.Capture(copy, s_snapshotKeys, instants), Is.EqualTo(EngineReads.Capture(Engine, s_snapshotKeys, instants)));
    }

    [Test]
    public void SaveLoad_EmptyEngine_RoundTrips()
    {
        RequireSnapshots();
        IKVDB copy = RoundTrip(Engine, out ulong saved);
        Assert.That(saved, Is.Zero);
        Assert.That(copy.Has("anything", T0), Is.False);
    }

    [Test]
    public void Load_IntoEngineWithContent_ReplacesEverything()
    {
        RequireSnapshots();
        Engine.Set("a", Bytes("from snapshot"), Next());
        byte[] image = SaveToBytes(Engine);

        IKVDB target = NewEngine();
        target.Set("b", Bytes("only in target"), new WriteStamp(1000, T0));
        target.Load(new MemoryStream(image));

        Assert.That(Text(target.Get("a", T0)), Is.EqualTo("from snapshot"));
        Assert.That(target.Has("b", T0), Is.False);
        Assert.That(target.WriteIndex, Is.EqualTo(Engine.WriteIndex));
    }

    [Test]
    public void Load_ThenStaleWrite_IgnoredBecauseIndexesSurvive()
    {
        RequireSnapshots();
        Engine.Set("k", Bytes("v"), new WriteStamp(10, T0));
        IKVDB copy = RoundTrip(Engine, out _);
        Assert.That(copy.Set("k", Bytes("stale"), new WriteStamp(9, T0)), Is.False);
        Assert.That(Text(copy.Get("k", T0)), Is.EqualTo("v"));
    }

    [Test]
    public void Load_NonSeekableStream_RoundTrips()
    {
        RequireSnapshots();
        FillWithEveryDeadlineKind(Engine);
        IKVDB copy = NewEngine();
        copy.Load(new NonSeekableStream(SaveToBytes(Engine), chunkBytes: 7));
        Assert.That(EngineReads.Capture(copy, s_snapshotKeys, [T0]), Is.EqualTo(EngineReads.Capture(Engine, s_snapshotKeys, [T0])));
    }

    [Test]
    public void Load_EveryFlippedByte_Corrupt()
    {
        RequireSnapshots();
        FillWithEveryDeadlineKind(Engine);
        byte[] image = SaveToBytes(Engine);
        for (int position = 0; position < image.Length; position++)
        {
            byte[] damaged = (byte[])image.Clone();
            damaged[position] ^= 0x5A;
            AssertCorrupt(damaged, $"byte {position} of {image.Length} flipped");
        }
    }

    [Test]
    public void Load_EveryTruncatedPrefix_Corrupt()
    {
        RequireSnapshots();
        FillWithEveryDeadlineKind(Engine);
        byte[] image = SaveToBytes(Engine);
        for (int length = 0; length < image.Length; length++)
        {
            AssertCorrupt(image.AsSpan(0, length).ToArray(), $"prefix of {length} of {image.Length} bytes");
        }
    }

    [Test]
    public void Load_TruncatedNonSeekableStream_Corrupt()
    {
        RequireSnapshots();
        Engine.Set("big", new byte[100_000], Next());
        byte[] image = SaveToBytes(Engine);
        IKVDB target = NewEngine();
        var error = Assert.Throws<DkvException>(() => target.Load(new NonSeekableStream(image.AsSpan(0, image.Length / 2).ToArray())));
        Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.Corrupt));
    }

    [Test]
    public void Load_CorruptSnapshot_LeavesEngineUnchanged()
    {
        RequireSnapshots();
        FillWithEveryDeadlineKind(Engine);
        byte[] image = SaveToBytes(Engine);
        image[image.Length / 2] ^= 0xFF;

        IKVDB target = NewEngine();
        target.Set("plain", Bytes("target's own"), new WriteStamp(77, T0));
        target.SetE("mine", Bytes("x"), T0 + Seconds(3), T0 + Seconds(6), new WriteStamp(78, T0));
        string[] keys = [.. s_snapshotKeys, "mine"];
        long[] instants = [T0, T0 + Seconds(4), T0 + Seconds(7)];
        List<string> before = EngineReads.Capture(target, keys, instants);

        Assert.Throws<DkvException>(() => target.Load(new MemoryStream(image)));

        Assert.That(EngineReads.Capture(target, keys, instants), Is.EqualTo(before));
        Assert.That(target.WriteIndex, Is.EqualTo(78UL));
    }

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(64)]
    public void Load_NotASnapshot_Corrupt(int length)
    {
        RequireSnapshots();
        byte[] junk = new byte[length];
        new Random(length).NextBytes(junk);
        AssertCorrupt(junk, $"{length} random bytes");
    }

    protected void RequireSnapshots()
    {
        if (!Engine.Features.HasFlag(EngineFeatures.Save | EngineFeatures.Load))
        {
            Assert.Ignore($"engine '{Engine.Name}' does not declare Save and Load");
        }
    }

    /// <summary>Fills the engine with one key per deadline situation (see <c>s_snapshotKeys</c>), judged around <see cref="T0"/>.</summary>
    protected void FillWithEveryDeadlineKind(IKVDB engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        long before = T0 - Seconds(100);
        engine.Set("plain", Bytes("p"), Next(before));
        engine.SetE("expire-later", Bytes("el"), T0 + Seconds(10), 0, Next(before));
        engine.SetE("delete-later", Bytes("dl"), 0, T0 + Seconds(10), Next(before));
        engine.SetE("both-later", Bytes("bl"), T0 + Seconds(5), T0 + Seconds(15), Next(before));
        engine.SetE("expired", Bytes("e"), T0 - Seconds(1), 0, Next(before));
        engine.SetE("expired-then-delete", Bytes("etd"), T0 - Seconds(1), T0 + Seconds(20), Next(before));
        engine.Set("expire-called", Bytes("ec"), Next(before));
        engine.Expire("expire-called", Next(before));
        engine.Set("deleted", Bytes("d"), Next(before));
        engine.Delete("deleted", Next(before));
        engine.SetE("past-delete", Bytes("pd"), 0, T0 - Seconds(1), Next(before));
        engine.Set("empty-value", ReadOnlyMemory<byte>.Empty, Next(before));
        engine.Set(string.Empty, Bytes("empty key"), Next(before));
    }

    protected static byte[] SaveToBytes(IKVDB engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        using var stream = new MemoryStream();
        engine.Save(stream);
        return stream.ToArray();
    }

    private IKVDB RoundTrip(IKVDB source, out ulong savedIndex)
    {
        using var stream = new MemoryStream();
        savedIndex = source.Save(stream);
        stream.Position = 0;
        IKVDB copy = NewEngine();
        Assert.That(copy.Load(stream), Is.EqualTo(savedIndex));
        return copy;
    }

    private void AssertCorrupt(byte[] image, string what)
    {
        IKVDB target = NewEngine();
        var error = Assert.Throws<DkvException>(() => target.Load(new MemoryStream(image)), what);
        Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.Corrupt), what);
        Assert.That(error.Message, Is.Not.Empty);
    }
}
