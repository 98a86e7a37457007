using System.Buffers.Binary;
using System.Collections.Concurrent;
using DKV.Core.Stores;
using static DKV.Core.Tests.Stores.StoreHarness;

namespace DKV.Core.Tests.Stores;

/// <summary>lstore under concurrent use: many tasks on one key, many keys, and checks that results are explained by the index order.</summary>
public sealed class LocalStoreConcurrencyTests
{
    private const int Tasks = 8;
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(20);

    [Test]
    [CancelAfter(30_000)]
    public async Task Set_ManyTasksOnOneKey_EveryWriteGetsItsOwnIndexAndTheHighestWins()
    {
        using var h = new StoreHarness();
        const int perTask = 250;
        var results = new ConcurrentBag<(WriteResult Result, string Value)>();

        await RunTogether(Tasks, async t =>
        {
            for (int i = 0; i < perTask; i++)
            {
                string value = $"{t}:{i}";
                results.Add((await h.Store.SetAsync("k", Bytes(value)), value));
            }
        });

        Assert.That(results.All(r => r.Result.Applied), Is.True);
        Assert.That(results.Select(r => r.Result.Index).Distinct().Count(), Is.EqualTo(Tasks * perTask));
        var last = results.MaxBy(r => r.Result.Index);
        GetResult read = await h.Store.GetAsync("k");
        Assert.That(Text(read.Value), Is.EqualTo(last.Value));
        Assert.That(read.Index, Is.EqualTo(last.Result.Index));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task SetE_ManyKeysFromManyTasks_AllStoredAndReadable()
    {
        using var h = new StoreHarness();
        const int perTask = 300;

        await RunTogether(Tasks, async t =>
        {
            for (int i = 0; i < perTask; i++)
            {
                await h.Store.SetEAsync($"key-{t}-{i}", Bytes($"{t}/{i}"), TimeSpan.FromHours(1), TimeSpan.FromHours(2));
            }
        });

        for (int t = 0; t < Tasks; t++)
        {
            for (int i = 0; i < perTask; i++)
            {
                Assert.That(await h.ValueOfAsync($"key-{t}-{i}"), Is.EqualTo($"{t}/{i}"));
            }
        }

        Assert.That((await h.Store.GetDBInfoAsync()).Engine.KeyCount, Is.EqualTo(Tasks * perTask));
        Assert.That(h.Store.WriteIndex, Is.EqualTo((ulong)(Tasks * perTask)));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task SetEIfUnset_ConcurrentOnOneKey_ExactlyOneApplies()
    {
        using var h = new StoreHarness();
        for (int round = 0; round < 40; round++)
        {
            string key = $"race-{round}";
            var applied = new ConcurrentBag<string>();

            await RunTogether(16, async t =>
            {
                WriteResult r = await h.Store.SetEIfUnsetAsync(key, Bytes($"w{t}"), TimeSpan.Zero, TimeSpan.Zero);
                if (r.Applied)
                {
                    applied.Add($"w{t}");
                }
            });

            Assert.That(applied, Has.Count.EqualTo(1), $"round {round}");
            Assert.That(await h.ValueOfAsync(key), Is.EqualTo(applied.Single()));
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task CompareAndSetE_ConcurrentIncrements_NoneLost()
    {
        using var h = new StoreHarness();
        const int perTask = 60;
        await h.Store.SetAsync("counter", Counter(0));

        await RunTogether(Tasks, async _ =>
        {
            for (int i = 0; i < perTask; i++)
            {
                for (int attempt = 0; ; attempt++)
                {
                    Assert.That(attempt, Is.LessThan(100_000), "compare-and-set never succeeded");
                    GetResult read = await h.Store.GetAsync("counter");
                    long next = BinaryPrimitives.ReadInt64LittleEndian(read.Value.Span) + 1;
                    if ((await h.Store.CompareAndSetEAsync("counter", read.Value, Counter(next), TimeSpan.Zero, TimeSpan.Zero)).Applied)
                    {
                        break;
                    }
                }
            }
        });

        GetResult final = await h.Store.GetAsync("counter");
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(final.Value.Span), Is.EqualTo(Tasks * perTask));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Writes_OneKeyConcurrently_ReachTheEngineInIndexOrder()
    {
        var arrivals = new ConcurrentQueue<ulong>();
        var firstEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var releaseFirst = new ManualResetEventSlim(false);
        int calls = 0;
        using var h = new StoreHarness(e => new InterceptingEngine(e)
        {
            BeforeWrite = (_, _, stamp) =>
            {
                arrivals.Enqueue(stamp.Index);
                if (Interlocked.Increment(ref calls) == 1)
                {
                    firstEntered.SetResult();
                    releaseFirst.Wait(s_deadline);
                }
                else
                {
                    secondEntered.TrySetResult();
                }
            },
        });

        Task<WriteResult> first = Task.Run(() => h.Store.SetAsync("k", Bytes("first")).AsTask());
        await firstEntered.Task.WaitAsync(s_deadline);
        Task<WriteResult> second = Task.Run(() => h.Store.SetEIfUnsetAsync("k", Bytes("second"), TimeSpan.Zero, TimeSpan.Zero).AsTask());

        // A correct store holds the second write back until the first is applied; give a racy one ample time to overtake.
        bool overtook = await Task.WhenAny(secondEntered.Task, Task.Delay(TimeSpan.FromMilliseconds(300))) == secondEntered.Task;
        releaseFirst.Set();
        WriteResult[] results = await Task.WhenAll(first, second).WaitAsync(s_deadline);

        Assert.That(overtook, Is.False, "a later write to the same key reached the engine while an earlier one was in it");
        Assert.That(arrivals, Is.EqualTo(new ulong[] { 1, 2 }));
        Assert.That(results[0], Is.EqualTo(new WriteResult(true, 1)));
        Assert.That(results[1], Is.EqualTo(new WriteResult(false, 2)));
        Assert.That(await h.ValueOfAsync("k"), Is.EqualTo("first"));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Writes_OtherKeysWhileOneKeyIsBlocked_Proceed()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim(false);
        using var h = new StoreHarness(e => new InterceptingEngine(e)
        {
            BeforeWrite = (_, key, _) =>
            {
                if (key == "blocked")
                {
                    entered.SetResult();
                    release.Wait(s_deadline);
                }
            },
        });

        Task blocked = Task.Run(() => h.Store.SetAsync("blocked", Bytes("x")).AsTask());
        await entered.Task.WaitAsync(s_deadline);

        // Eight keys cannot all share the blocked key's stripe (1 in 256^8), so at least one write must finish meanwhile.
        Task[] others = Enumerable.Range(0, 8).Select(i => Task.Run(() => h.Store.SetAsync($"other-{i}", Bytes("y")).AsTask())).ToArray();
        Task firstOther = await Task.WhenAny(others).WaitAsync(s_deadline);
        bool blockedWasDone = blocked.IsCompleted;
        release.Set();

        Assert.That(blockedWasDone, Is.False);
        Assert.That(firstOther.IsCompletedSuccessfully, Is.True);
        await Task.WhenAll(others.Append(blocked)).WaitAsync(s_deadline);
    }

    private static byte[] Counter(long value)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>Starts <paramref name="count"/> tasks that begin together and waits (bounded) for all of them.</summary>
    internal static async Task RunTogether(int count, Func<int, Task> body)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task[] tasks = Enumerable.Range(0, count).Select(t => Task.Run(async () =>
        {
            await start.Task;
            await body(t);
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(tasks).WaitAsync(s_deadline);
    }
}
