using DKV.Core.Storage;
using DKV.Engines.Maple;

namespace DKV.Engines.Tests.Maple;

/// <summary>The collector running beside writers and a load keeps every shard invariant (it throws if one breaks).</summary>
public sealed class MapleConcurrentCollectTests
{
    private static readonly long s_t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    [Test]
    [CancelAfter(60_000)]
    public async Task Collect_BesideWritersAndLoads_KeepsInvariantsAndCountsAgree(CancellationToken cancellation)
    {
        using var engine = new MapleEngine(new MapleOptions { ShardCount = 4, CollectBatchEntries = 3 });
        long nextIndex = 0;
        long clock = s_t0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var writers = Enumerable.Range(0, 2).Select(seed => Task.Run(() => Write(engine, seed, ref nextIndex, ref clock, stop.Token), CancellationToken.None)).ToList();
        var collector = Task.Run(
            () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    engine.Collect(Interlocked.Read(ref clock), 50);
                }
            },
            CancellationToken.None);

        for (int i = 0; i < 20; i++)
        {
            using var image = new MemoryStream();
            engine.Save(image);
            image.Position = 0;
            engine.Load(image);
            await Task.Delay(10, cancellation);
        }

        await stop.CancelAsync();
        await Task.WhenAll([.. writers, collector]).WaitAsync(cancellation);

        long farFuture = s_t0 + TimeSpan.FromDays(365).Ticks;
        while (engine.Collect(farFuture, 1000) > 0)
        {
        }

        int present = Enumerable.Range(0, 64).Count(k => engine.Has($"k{k}", farFuture));
        EngineInfo info = engine.GetInfo();
        Assert.That(info.KeyCount, Is.EqualTo(present), "only keys without a delete deadline remain");
        Assert.That(info.Metadata["collector_backlog"], Is.EqualTo("0"));
    }

    private static void Write(MapleEngine engine, int seed, ref long nextIndex, ref long clock, CancellationToken stop)
    {
        var random = new Random(seed);
        while (!stop.IsCancellationRequested)
        {
            long now = Interlocked.Add(ref clock, random.Next(0, 2) * TimeSpan.TicksPerMillisecond);
            var stamp = new WriteStamp((ulong)Interlocked.Increment(ref nextIndex), now);
            string key = $"k{random.Next(64)}";
            long Deadline() => random.Next(3) == 0 ? 0 : now + (random.Next(0, 20) * TimeSpan.TicksPerMillisecond);
            switch (random.Next(5))
            {
                case 0:
                    engine.Set(key, new byte[random.Next(0, 64)], stamp);
                    break;
                case 1:
                case 2:
                    engine.SetE(key, new byte[random.Next(1, 64)], Deadline(), Deadline(), stamp);
                    break;
                case 3:
                    engine.Expire(key, stamp);
                    break;
                default:
                    engine.Delete(key, stamp);
                    break;
            }
        }
    }
}
