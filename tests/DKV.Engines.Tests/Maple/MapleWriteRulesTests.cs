using DKV.Core.Storage;
using DKV.Engines.Maple;

namespace DKV.Engines.Tests.Maple;

/// <summary>
/// Guarantees Maple gives beyond the IKVDB contract: a deleted key keeps its write index as a tombstone until collected,
/// so a late write with a lower index cannot bring it back; deadlines are checked on entry.
/// </summary>
public sealed class MapleWriteRulesTests
{
    private static readonly long s_t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    [Test]
    public void Set_StaleIndexAfterDelete_DoesNotResurrect()
    {
        using var engine = new MapleEngine();
        engine.Set("k", "v"u8.ToArray(), new WriteStamp(5, s_t0));
        engine.Delete("k", new WriteStamp(7, s_t0));
        Assert.That(engine.Set("k", "late"u8.ToArray(), new WriteStamp(6, s_t0)), Is.False);
        Assert.That(engine.Has("k", s_t0), Is.False);
        Assert.That(engine.Set("k", "new"u8.ToArray(), new WriteStamp(8, s_t0)), Is.True, "a newer write recreates the key");
    }

    [Test]
    public void SetEIfUnset_StaleIndexAfterCompareAndDelete_DoesNotResurrect()
    {
        using var engine = new MapleEngine();
        engine.Set("lock", "owner-1"u8.ToArray(), new WriteStamp(3, s_t0));
        engine.CompareAndDelete("lock", "owner-1"u8, new WriteStamp(5, s_t0));
        Assert.That(engine.SetEIfUnset("lock", "owner-2"u8.ToArray(), 0, 0, new WriteStamp(4, s_t0)), Is.False);
        Assert.That(engine.Has("lock", s_t0), Is.False);
    }

    [Test]
    public void Expire_ReaderWithEarlierClock_StillSeesTheKeyExpired()
    {
        // Expire and Delete record "since forever" deadlines, so a reader whose clock lags the writer's agrees with it.
        using var engine = new MapleEngine();
        engine.Set("e", "v"u8.ToArray(), new WriteStamp(1, s_t0));
        engine.Set("d", "v"u8.ToArray(), new WriteStamp(2, s_t0));
        engine.Expire("e", new WriteStamp(3, s_t0 + TimeSpan.TicksPerSecond));
        engine.Delete("d", new WriteStamp(4, s_t0 + TimeSpan.TicksPerSecond));

        Assert.That(engine.Get("e", s_t0).Found, Is.False);
        Assert.That(engine.Has("e", s_t0), Is.True);
        Assert.That(engine.Has("d", s_t0), Is.False);
    }

    [Test]
    public void SetE_NegativeDeadline_ThrowsArgumentOutOfRange()
    {
        using var engine = new MapleEngine();
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.SetE("k", "v"u8.ToArray(), -1, 0, new WriteStamp(1, s_t0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.SetE("k", "v"u8.ToArray(), 0, -1, new WriteStamp(2, s_t0)));
        Assert.That(engine.Has("k", s_t0), Is.False);
    }
}
