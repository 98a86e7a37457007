using System.Collections.Concurrent;
using DKV.Core.Errors;
using DKV.Core.Storage;
using DKV.Core.Stores;
using DKV.Testing.Engines;
using DKV.Testing.Infrastructure;
using Microsoft.Extensions.Logging;
using static DKV.Core.Tests.Stores.StoreHarness;

namespace DKV.Core.Tests.Stores;

/// <summary>The collector runs bounded passes on its timer, keeps reads unchanged, and never loses an exception.</summary>
public sealed class EngineCollectorTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);

    [Test]
    public void Tick_EachInterval_CollectsWithTheClocksNowAndTheBatchLimit()
    {
        var calls = new ConcurrentQueue<(long Now, int Max)>();
        var clock = new ManualTimeProvider();
        using var engine = new InterceptingEngine(new ModelEngine()) { CollectOverride = (now, max) => { calls.Enqueue((now, max)); return 0; } };
        using var collector = new EngineCollector(engine, clock, new EngineCollectorOptions { Interval = s_interval, MaxEntriesPerPass = 7 });

        clock.Advance(s_interval - TimeSpan.FromTicks(1));
        Assert.That(calls, Is.Empty);

        clock.Advance(TimeSpan.FromTicks(1) + (s_interval * 2));

        long start = ManualTimeProvider.DefaultStart.UtcTicks;
        Assert.That(calls, Is.EqualTo(new[] { (start + s_interval.Ticks, 7), (start + (2 * s_interval.Ticks), 7), (start + (3 * s_interval.Ticks), 7) }));
        Assert.That(collector.PassCount, Is.EqualTo(3));
    }

    [Test]
    public async Task Passes_DeletedKeys_RemovedInBoundedBatchesWithoutChangingReads()
    {
        using var h = new StoreHarness();
        for (int i = 0; i < 10; i++)
        {
            await h.Store.SetEAsync($"gone-{i}", Bytes("v"), TimeSpan.Zero, TimeSpan.FromSeconds(1));
        }

        await h.Store.SetAsync("kept", Bytes("v"));
        using var collector = new EngineCollector(h.Engine, h.Clock, new EngineCollectorOptions { Interval = TimeSpan.FromSeconds(1), MaxEntriesPerPass = 4 });

        h.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That((await h.Store.GetDBInfoAsync()).Engine.KeyCount, Is.EqualTo(7));
        Assert.That(await h.Store.HasAsync("gone-0"), Is.False);

        h.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That((await h.Store.GetDBInfoAsync()).Engine.KeyCount, Is.EqualTo(1));
        Assert.That(collector.EntriesChanged, Is.EqualTo(10));
        Assert.That(await h.ValueOfAsync("kept"), Is.EqualTo("v"));
    }

    [Test]
    public async Task Passes_ExpiredKey_StaysVisibleToHasAfterCollection()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        using var collector = new EngineCollector(h.Engine, h.Clock, new EngineCollectorOptions { Interval = s_interval });

        h.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.That(collector.EntriesChanged, Is.EqualTo(1));
        Assert.That(await h.Store.HasAsync("k"), Is.True);
        Assert.That((await h.Store.GetAsync("k")).Found, Is.False);
    }

    [Test]
    public async Task Passes_OnTheStoresClock_NeverRemoveWhatAReadStillSees()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        using var collector = new EngineCollector(h.Engine, h.Clock, new EngineCollectorOptions { Interval = TimeSpan.FromSeconds(2) }, nowUtcTicks: h.Store.NowUtcTicks);

        // The pass at +2 s removes the key; then the wall clock steps back before any read.
        h.Clock.Advance(TimeSpan.FromSeconds(2));
        h.Clock.SetUtcNow(ManualTimeProvider.DefaultStart);

        // The key is gone, so the store's clock must not be behind its delete deadline (else a read would see an early removal).
        Assert.That(collector.EntriesChanged, Is.EqualTo(1));
        Assert.That(await h.Store.HasAsync("k"), Is.False);
        Assert.That(h.Store.NowUtcTicks(), Is.GreaterThanOrEqualTo(ManualTimeProvider.DefaultStart.UtcTicks + TimeSpan.TicksPerSecond));
    }

    [Test]
    public void Pass_EngineThrows_LoggedCountedAndNextTickRunsAgain()
    {
        var boom = new InvalidOperationException("collector exploded");
        var clock = new ManualTimeProvider();
        var logger = new ListLogger<EngineCollector>();
        using var engine = new InterceptingEngine(new ModelEngine()) { CollectOverride = (_, _) => throw boom };
        using var collector = new EngineCollector(engine, clock, new EngineCollectorOptions { Interval = s_interval }, logger);

        clock.Advance(s_interval * 2);

        Assert.That(collector.FailureCount, Is.EqualTo(2));
        Assert.That(collector.LastFailure, Is.SameAs(boom));
        Assert.That(collector.PassCount, Is.Zero);
        var errors = logger.Entries.Where(e => e.Level == LogLevel.Error).ToList();
        Assert.That(errors, Has.Count.EqualTo(2));
        Assert.That(errors[0].Exception, Is.SameAs(boom));
        Assert.That(errors[0].Message, Does.Contain("'model'"));
    }

    [Test]
    public void Dispose_StopsTheTimer()
    {
        int calls = 0;
        var clock = new ManualTimeProvider();
        using var engine = new InterceptingEngine(new ModelEngine()) { CollectOverride = (_, _) => Interlocked.Increment(ref calls) };
        var collector = new EngineCollector(engine, clock, new EngineCollectorOptions { Interval = s_interval });
        clock.Advance(s_interval);

        collector.Dispose();
        clock.Advance(s_interval * 5);

        Assert.That(calls, Is.EqualTo(1));
        Assert.That(clock.ArmedTimerCount, Is.Zero);
        Assert.That(collector.CollectOnce(), Is.Zero);
    }

    [Test]
    public void Constructor_EngineWithoutCollection_Unsupported()
    {
        using var engine = new InterceptingEngine(new ModelEngine()) { FeaturesOverride = EngineFeatures.All & ~EngineFeatures.GarbageCollect };

        var ex = Assert.Throws<DkvException>(() => new EngineCollector(engine, new ManualTimeProvider()));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Unsupported));
        Assert.That(ex.Message, Does.Contain("GarbageCollect"));
    }

    [TestCase(0, 10)]
    [TestCase(100, 0)]
    public void Constructor_OptionOutOfRange_Throws(int intervalMs, int maxEntries)
    {
        using var engine = new ModelEngine();
        var options = new EngineCollectorOptions { Interval = TimeSpan.FromMilliseconds(intervalMs), MaxEntriesPerPass = maxEntries };

        Assert.That(() => new EngineCollector(engine, new ManualTimeProvider(), options), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
