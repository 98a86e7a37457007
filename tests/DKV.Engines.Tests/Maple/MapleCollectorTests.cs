using System.Globalization;
using DKV.Core.Storage;
using DKV.Engines.Maple;

namespace DKV.Engines.Tests.Maple;

/// <summary>The collector: backlog drains, memory is freed, work is bounded and proportional to what is due.</summary>
public sealed class MapleCollectorTests
{
    private static readonly long s_t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    private ulong _index;

    [Test]
    public void Collect_DeletedAndExpiredKeys_BacklogDrainsAndDeletedKeysLeave()
    {
        using var engine = new MapleEngine();
        for (int i = 0; i < 500; i++)
        {
            engine.SetE($"d{i}", new byte[100], 0, s_t0 + Seconds(1), Next());
            engine.SetE($"e{i}", new byte[100], s_t0 + Seconds(1), 0, Next());
            engine.Set($"p{i}", new byte[100], Next());
        }

        Assert.That(Backlog(engine), Is.EqualTo(1000));
        Assert.That(engine.GetInfo().KeyCount, Is.EqualTo(1500));

        int passes = 0;
        while (engine.Collect(s_t0 + Seconds(2), 64) > 0)
        {
            passes++;
        }

        Assert.That(passes, Is.InRange(1000 / 64, (1000 / 64) + 2), "each pass does up to its budget");
        Assert.That(Backlog(engine), Is.Zero);
        Assert.That(engine.GetInfo().KeyCount, Is.EqualTo(1000), "deleted keys are removed, expired ones keep their key");
        Assert.That(engine.Has("e7", s_t0 + Seconds(2)), Is.True);
    }

    [Test]
    public void Collect_ExpiredOnlyEntries_FreesTheirValues()
    {
        using var engine = new MapleEngine();
        for (int i = 0; i < 100; i++)
        {
            engine.SetE($"e{i}", new byte[10_000], s_t0 + Seconds(1), 0, Next());
        }

        long before = engine.GetInfo().SizeBytes;
        Assert.That(before, Is.GreaterThanOrEqualTo(100 * 10_000));

        Assert.That(engine.Collect(s_t0 + Seconds(1), int.MaxValue), Is.EqualTo(100));

        Assert.That(engine.GetInfo().SizeBytes, Is.LessThan(100 * 100), "values are released, keys kept");
        Assert.That(Backlog(engine), Is.Zero, "nothing more to do for expire-only entries");
        Assert.That(engine.Has("e0", s_t0 + Seconds(1_000_000)), Is.True);
    }

    [Test]
    public void Collect_Tombstones_RemovedOnNextPassAtAnyInstant()
    {
        using var engine = new MapleEngine();
        engine.Set("k", new byte[10], Next());
        engine.Delete("k", Next());
        Assert.That(engine.GetInfo().KeyCount, Is.EqualTo(1), "the tombstone holds the delete's index for a while");

        Assert.That(engine.Collect(s_t0, 10), Is.EqualTo(1));
        Assert.That(engine.GetInfo().KeyCount, Is.Zero);
        Assert.That(engine.GetInfo().SizeBytes, Is.Zero);
    }

    [Test]
    public void Collect_ExpireThenDelete_FreesValueThenRemovesKey()
    {
        using var engine = new MapleEngine();
        engine.SetE("k", new byte[1000], s_t0 + Seconds(1), s_t0 + Seconds(5), Next());

        Assert.That(engine.Collect(s_t0 + Seconds(2), 10), Is.EqualTo(1));
        Assert.That(engine.GetInfo().SizeBytes, Is.LessThan(1000));
        Assert.That(engine.GetInfo().KeyCount, Is.EqualTo(1));
        Assert.That(engine.Collect(s_t0 + Seconds(4), 10), Is.Zero, "the delete deadline is not due yet");
        Assert.That(engine.Collect(s_t0 + Seconds(5), 10), Is.EqualTo(1));
        Assert.That(engine.GetInfo().KeyCount, Is.Zero);
    }

    [Test]
    public void SetE_OverwritingOneKeyManyTimes_KeepsOneQueueItem()
    {
        using var engine = new MapleEngine();
        for (int i = 0; i < 10_000; i++)
        {
            engine.SetE("k", new byte[10], s_t0 + Seconds(1 + (i % 7)), 0, Next());
        }

        Assert.That(Backlog(engine), Is.EqualTo(1), "memory follows keys, not writes");
        engine.Set("k", new byte[10], Next());
        Assert.That(Backlog(engine), Is.Zero, "a plain Set clears the deadline and its queue item");
    }

    [Test]
    public void Collect_OnlyLaterDeadlinesQueued_DoesNoWork()
    {
        using var engine = new MapleEngine(new MapleOptions { ShardCount = 1 });
        for (int i = 0; i < 10_000; i++)
        {
            engine.SetE($"k{i}", new byte[1], 0, s_t0 + Seconds(100 + i), Next());
        }

        Assert.That(engine.Collect(s_t0 + Seconds(99), int.MaxValue), Is.Zero);
        Assert.That(engine.Collect(s_t0 + Seconds(104), int.MaxValue), Is.EqualTo(5), "only due entries are touched, earliest first");
    }

    [Test]
    public void Collect_NegativeBudget_Throws()
    {
        using var engine = new MapleEngine();
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Collect(s_t0, -1));
    }

    private static long Backlog(MapleEngine engine) =>
        long.Parse(engine.GetInfo().Metadata["collector_backlog"], CultureInfo.InvariantCulture);

    private static long Seconds(double seconds) => TimeSpan.FromSeconds(seconds).Ticks;

    private WriteStamp Next() => new(++_index, s_t0);
}
