using System.Globalization;
using DKV.Core.Errors;
using DKV.Core.Storage;
using DKV.Engines.Maple;
using DKV.Testing.Infrastructure;

namespace DKV.Engines.Tests.Maple;

/// <summary>Maple-specific behaviour: limits, options, disposal, allocation-free reads and operator figures.</summary>
public sealed class MapleEngineTests
{
    private static readonly long s_t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    [Test]
    public void Set_ValueAboveLimit_TooLargeAndNothingStored()
    {
        using var engine = new MapleEngine(new MapleOptions { MaxValueBytes = 10 });
        var error = Assert.Throws<DkvException>(() => engine.Set("k", new byte[11], new WriteStamp(1, s_t0)));
        Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.TooLarge));
        Assert.That(error.Message, Does.Contain("MaxValueBytes = 10"));
        Assert.That(engine.Has("k", s_t0), Is.False);
        Assert.That(engine.Set("k", new byte[10], new WriteStamp(2, s_t0)), Is.True);
    }

    [Test]
    public void Set_KeyAboveLimitInUtf8Bytes_TooLarge()
    {
        using var engine = new MapleEngine(new MapleOptions { MaxKeyBytes = 8 });
        Assert.That(engine.Set("ключ", new byte[] { 1 }, new WriteStamp(1, s_t0)), Is.True, "4 chars, 8 UTF-8 bytes");
        var error = Assert.Throws<DkvException>(() => engine.Set("ключи", new byte[] { 1 }, new WriteStamp(2, s_t0)));
        Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.TooLarge));
    }

    [Test]
    public void Set_KeyWithUnpairedSurrogate_InvalidArgument()
    {
        using var engine = new MapleEngine();
        var error = Assert.Throws<DkvException>(() => engine.Set("bad\uD800key", new byte[] { 1 }, new WriteStamp(1, s_t0)));
        Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(engine.Set("ok-🔑", new byte[] { 1 }, new WriteStamp(2, s_t0)), Is.True, "paired surrogates are fine");
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(70_000)]
    public void Create_ShardCountOutOfRange_InvalidArgumentNamingTheOption(int shards)
    {
        var error = Assert.Throws<DkvException>(() => new MapleEngine(new MapleOptions { ShardCount = shards }).Dispose());
        Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(error.Message, Does.Contain("ShardCount"));
    }

    [Test]
    public void Dispose_ThenWrite_ThrowsObjectDisposedAndReadsFindNothing()
    {
        var engine = new MapleEngine();
        engine.Set("k", new byte[] { 1 }, new WriteStamp(1, s_t0));
        engine.Dispose();
        Assert.Throws<ObjectDisposedException>(() => engine.Set("k", new byte[] { 1 }, new WriteStamp(2, s_t0)));
        Assert.Throws<ObjectDisposedException>(() => engine.Save(new MemoryStream()));
        Assert.That(engine.Get("k", s_t0).Found, Is.False);
        engine.Dispose();
    }

    [Test]
    public void GetAndHas_ExistingKey_AllocateNothing()
    {
        using var engine = new MapleEngine();
        engine.SetE("present", new byte[32], s_t0 + 100, s_t0 + 200, new WriteStamp(1, s_t0));
        WarmUp(engine);

        int found = 0;
        long allocated = AllocationProbe.LeastOf(3, () =>
        {
            found = 0;
            for (int i = 0; i < 10_000; i++)
            {
                found += engine.Get("present", s_t0).Found ? 1 : 0;
                found += engine.Has("present", s_t0) ? 1 : 0;
                found += engine.Has("absent", s_t0) ? 1 : 0;
            }
        });
        Assert.That(found, Is.EqualTo(20_000));
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void GetInfo_ManyKeys_ReportsShardBalanceAndTotals()
    {
        using var engine = new MapleEngine(new MapleOptions { ShardCount = 16 });
        for (int i = 0; i < 16_000; i++)
        {
            engine.Set($"key-{i}", new byte[4], new WriteStamp((ulong)i + 1, s_t0));
        }

        EngineInfo info = engine.GetInfo();
        Assert.That(info.KeyCount, Is.EqualTo(16_000));
        Assert.That(info.SizeBytes, Is.EqualTo(Enumerable.Range(0, 16_000).Sum(i => ($"key-{i}".Length * 2L) + 4)));
        Assert.That(info.WriteIndex, Is.EqualTo(16_000UL));
        Assert.That(info.Metadata["shard_count"], Is.EqualTo("16"));
        Assert.That(Number(info, "shard_keys_mean"), Is.EqualTo(1000));
        Assert.That(Number(info, "shard_keys_min"), Is.GreaterThan(800), "keys spread evenly");
        Assert.That(Number(info, "shard_keys_max"), Is.LessThan(1200));
        Assert.That(Number(info, "shard_keys_stddev"), Is.LessThan(100));
    }

    [Test]
    public void Features_DeclareEverything()
    {
        using var engine = new MapleEngine();
        Assert.That(engine.Features, Is.EqualTo(EngineFeatures.All));
        Assert.That(engine.Name, Is.EqualTo("maple"));
    }

    private static void WarmUp(MapleEngine engine)
    {
        for (int i = 0; i < 100; i++)
        {
            engine.Get("present", s_t0);
            engine.Has("present", s_t0);
            engine.Has("absent", s_t0);
        }
    }

    private static double Number(EngineInfo info, string name) => double.Parse(info.Metadata[name], CultureInfo.InvariantCulture);
}
