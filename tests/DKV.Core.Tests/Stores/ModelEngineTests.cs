using DKV.Core.Errors;
using DKV.Core.Storage;
using DKV.Testing.Engines;
using static DKV.Core.Tests.Stores.StoreHarness;

namespace DKV.Core.Tests.Stores;

/// <summary>The oracle's own rules that the store cannot reach: stale writes and its snapshot.</summary>
public sealed class ModelEngineTests
{
    private const long Now = 638_000_000_000_000_000;

    [Test]
    public void Write_LowerIndexThanTheEntry_IgnoredButCountedInWriteIndex()
    {
        using var engine = new ModelEngine();
        engine.Set("k", Bytes("new"), new WriteStamp(5, Now));

        bool applied = engine.Set("k", Bytes("old"), new WriteStamp(3, Now));

        Assert.That(applied, Is.False);
        Assert.That(Text(engine.Get("k", Now).Value), Is.EqualTo("new"));
        Assert.That(engine.WriteIndex, Is.EqualTo(5UL));
        Assert.That(engine.Delete("k", new WriteStamp(4, Now)), Is.False);
        Assert.That(engine.Has("k", Now), Is.True);
    }

    [Test]
    public void SaveThenLoad_RoundTrip_KeepsValuesDeadlinesAndIndices()
    {
        using var source = new ModelEngine();
        source.SetE("ttl", Bytes("v"), Now + 10, Now + 20, new WriteStamp(1, Now));
        source.Set("plain", Bytes("p"), new WriteStamp(2, Now));
        using var snapshot = new MemoryStream();
        ulong savedAt = source.Save(snapshot);

        using var target = new ModelEngine();
        snapshot.Position = 0;
        ulong loadedAt = target.Load(snapshot);

        Assert.That((savedAt, loadedAt, target.WriteIndex), Is.EqualTo((2UL, 2UL, 2UL)));
        Assert.That(target.Get("ttl", Now + 9).Index, Is.EqualTo(1UL));
        Assert.That(target.Get("ttl", Now + 10).Found, Is.False);
        Assert.That(target.Has("ttl", Now + 19), Is.True);
        Assert.That(target.Has("ttl", Now + 20), Is.False);
        Assert.That(Text(target.Get("plain", Now + 1_000).Value), Is.EqualTo("p"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Load_CorruptOrTruncatedSnapshot_RejectedAndEngineUnchanged(bool truncate)
    {
        using var source = new ModelEngine();
        source.Set("k", Bytes("snapshot"), new WriteStamp(1, Now));
        using var snapshot = new MemoryStream();
        source.Save(snapshot);
        byte[] bytes = snapshot.ToArray();
        if (truncate)
        {
            Array.Resize(ref bytes, bytes.Length - 3);
        }
        else
        {
            bytes[bytes.Length / 2] ^= 0x40;
        }

        using var target = new ModelEngine();
        target.Set("k", Bytes("before"), new WriteStamp(7, Now));

        var ex = Assert.Throws<DkvException>(() => target.Load(new MemoryStream(bytes)));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Corrupt));
        Assert.That(Text(target.Get("k", Now).Value), Is.EqualTo("before"));
        Assert.That(target.WriteIndex, Is.EqualTo(7UL));
    }
}
