using System.Collections.Concurrent;
using DKV.Core.Storage;
using DKV.Core.Stores;
using DKV.Testing.Engines;
using static DKV.Core.Tests.Stores.StoreHarness;

namespace DKV.Core.Tests.Stores;

/// <summary>
/// A linearizability smoke check: random concurrent writes on a few keys, then a sequential replay in write-index order on a fresh
/// model engine. Every reported outcome and the final state must match the replay; the index order is then a valid linearization
/// (each index is taken inside its call, so it also respects real time).
/// </summary>
public sealed class LocalStoreLinearizabilityTests
{
    private static readonly string[] s_keys = ["a", "b", "c"];
    private static readonly string[] s_values = ["x", "y", "z"];

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [CancelAfter(60_000)]
    public async Task RandomConcurrentWrites_OutcomesMatchReplayInIndexOrder(int seed)
    {
        using var h = new StoreHarness();
        var log = new ConcurrentBag<(Op Op, WriteResult Result)>();

        await LocalStoreConcurrencyTests.RunTogether(8, async t =>
        {
            var random = new Random((seed * 1000) + t);
            for (int i = 0; i < 400; i++)
            {
                var op = new Op(random.Next(7), s_keys[random.Next(s_keys.Length)], s_values[random.Next(s_values.Length)], s_values[random.Next(s_values.Length)]);
                log.Add((op, await Run(h.Store, op)));
            }
        });

        long time = h.Clock.GetUtcNow().UtcTicks;
        using var replay = new ModelEngine();
        foreach ((Op op, WriteResult result) in log.OrderBy(e => e.Result.Index))
        {
            bool expected = Replay(replay, op, new WriteStamp(result.Index, time));
            Assert.That(result.Applied, Is.EqualTo(expected), $"seed {seed}: {op} at index {result.Index}");
        }

        foreach (string key in s_keys)
        {
            ReadResult want = replay.Get(key, time);
            GetResult got = await h.Store.GetAsync(key);
            Assert.That((got.Found, Text(got.Value), got.Index), Is.EqualTo((want.Found, Text(want.Value), want.Index)), $"seed {seed}: key {key}");
        }
    }

    private static ValueTask<WriteResult> Run(IStore store, Op op) => op.Kind switch
    {
        0 => store.SetAsync(op.Key, Bytes(op.Value)),
        1 => store.SetEAsync(op.Key, Bytes(op.Value), TimeSpan.Zero, TimeSpan.FromHours(1)),
        2 => store.SetEIfUnsetAsync(op.Key, Bytes(op.Value), TimeSpan.Zero, TimeSpan.Zero),
        3 => store.CompareAndSetEAsync(op.Key, Bytes(op.Expected), Bytes(op.Value), TimeSpan.Zero, TimeSpan.Zero),
        4 => store.ExpireAsync(op.Key),
        5 => store.DeleteAsync(op.Key),
        _ => store.CompareAndDeleteAsync(op.Key, Bytes(op.Expected)),
    };

    private static bool Replay(ModelEngine engine, Op op, WriteStamp stamp) => op.Kind switch
    {
        0 => engine.Set(op.Key, Bytes(op.Value), stamp),
        1 => engine.SetE(op.Key, Bytes(op.Value), 0, stamp.DeadlineAfter(TimeSpan.FromHours(1)), stamp),
        2 => engine.SetEIfUnset(op.Key, Bytes(op.Value), 0, 0, stamp),
        3 => engine.CompareAndSetE(op.Key, Bytes(op.Expected), Bytes(op.Value), 0, 0, stamp),
        4 => engine.Expire(op.Key, stamp),
        5 => engine.Delete(op.Key, stamp),
        _ => engine.CompareAndDelete(op.Key, Bytes(op.Expected), stamp),
    };

    private readonly record struct Op(int Kind, string Key, string Value, string Expected);
}
