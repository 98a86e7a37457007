using DKV.Core.Storage;

namespace DKV.Testing.Engines;

/// <summary>Collection reclaims memory but never changes what a read returns.</summary>
public abstract partial class EngineConformanceTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(6)]
    [TestCase(7)]
    [TestCase(8)]
    public void Collect_RandomOperationsAndCollects_NeverChangeReads(int seed)
    {
        var random = new Random(seed);
        string[] keys = Enumerable.Range(0, 12).Select(i => $"key-{i}").ToArray();
        long now = T0;
        for (int step = 0; step < 400; step++)
        {
            now += random.Next(0, 3) * Seconds(random.Next(1, 5));
            if (random.Next(5) == 0)
            {
                long[] instants = [now, now + Seconds(1), now + Seconds(3), now + Seconds(10)];
                List<string> before = EngineReads.Capture(Engine, keys, instants);
                Engine.Collect(now, random.Next(0, 8));
                Assert.That(EngineReads.Capture(Engine, keys, instants), Is.EqualTo(before), $"seed {seed}, step {step}: Collect changed a read");
            }
            else
            {
                ApplyRandomWrite(random, keys[random.Next(keys.Length)], now);
            }
        }
    }

    [Test]
    public void Collect_AfterDeadlinesPass_DoesWorkAndKeepsReads()
    {
        for (int i = 0; i < 100; i++)
        {
            Engine.SetE($"e-{i}", Bytes("v"), T0 + Seconds(1), 0, Next());
            Engine.SetE($"d-{i}", Bytes("v"), 0, T0 + Seconds(1), Next());
            Engine.Set($"p-{i}", Bytes("v"), Next());
        }

        var keys = Enumerable.Range(0, 100).SelectMany(i => new[] { $"e-{i}", $"d-{i}", $"p-{i}" }).ToList();
        long later = T0 + Seconds(2);
        List<string> before = EngineReads.Capture(Engine, keys, [later]);

        Assert.That(Engine.Collect(T0, int.MaxValue), Is.Zero, "nothing is due before the deadlines");
        int total = 0;
        for (int pass = 0; pass < 1000; pass++)
        {
            int done = Engine.Collect(later, 7);
            Assert.That(done, Is.InRange(0, 7), "never more than the budget");
            total += done;
            if (done == 0)
            {
                break;
            }
        }

        if (Engine.Features.HasFlag(EngineFeatures.GarbageCollect))
        {
            Assert.That(total, Is.GreaterThan(0), "an engine that collects has work once deadlines pass");
        }

        Assert.That(EngineReads.Capture(Engine, keys, [later]), Is.EqualTo(before));
    }

    [Test]
    public void Collect_ZeroBudget_DoesNothing()
    {
        Engine.SetE("k", Bytes("v"), 0, T0 + Seconds(1), Next());
        Assert.That(Engine.Collect(T0 + Seconds(5), 0), Is.Zero);
    }

    private void ApplyRandomWrite(Random random, string key, long now)
    {
        WriteStamp stamp = Next(now);
        long Deadline() => random.Next(3) switch
        {
            0 => 0,
            1 => now + Seconds(random.Next(0, 6)),
            _ => now - Seconds(random.Next(0, 3)) is var past && past > 0 ? past : 0,
        };
        string value = $"v{stamp.Index}";
        string current = Engine.Get(key, now) is { Found: true } read ? Text(read) : "none";
        switch (random.Next(8))
        {
            case 0:
                Engine.Set(key, Bytes(value), stamp);
                break;
            case 1:
            case 2:
                Engine.SetE(key, Bytes(value), Deadline(), Deadline(), stamp);
                break;
            case 3:
                Engine.SetEIfUnset(key, Bytes(value), Deadline(), Deadline(), stamp);
                break;
            case 4:
                Engine.Expire(key, stamp);
                break;
            case 5:
                Engine.Delete(key, stamp);
                break;
            case 6:
                Engine.CompareAndSetE(key, Bytes(current), Bytes(value), Deadline(), Deadline(), stamp);
                break;
            default:
                Engine.CompareAndDelete(key, Bytes(current), stamp);
                break;
        }
    }
}
