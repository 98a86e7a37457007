using System.Buffers.Binary;
using DKV.Core.Storage;

namespace DKV.Testing.Engines;

/// <summary>Many tasks on one key and on many keys; conditional writes race fairly.</summary>
public abstract partial class EngineConformanceTests
{
    private const int Workers = 8;

    [Test]
    [CancelAfter(30_000)]
    public async Task Set_ManyTasksOneKeyIncreasingIndexes_HighestIndexWins(CancellationToken cancellation)
    {
        const int perWorker = 2000;
        var tasks = Enumerable.Range(0, Workers).Select(worker => Task.Run(
            () =>
            {
                for (int i = 0; i < perWorker; i++)
                {
                    ulong index = (ulong)((i * Workers) + worker + 1);
                    Engine.Set("hot", IndexValue(index), new WriteStamp(index, T0));
                }
            },
            cancellation));
        await Task.WhenAll(tasks).WaitAsync(cancellation);

        ulong highest = Workers * perWorker;
        ReadResult read = Engine.Get("hot", T0);
        Assert.That(read.Index, Is.EqualTo(highest));
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(read.Value.Span), Is.EqualTo(highest));
        Assert.That(Engine.WriteIndex, Is.EqualTo(highest));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Readers_DuringConcurrentWrites_NeverSeeTornOrOlderValues(CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        Engine.Set("k", IndexValue(1), new WriteStamp(1, T0));
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(
            () =>
            {
                ulong lastSeen = 0;
                while (!stop.IsCancellationRequested)
                {
                    ReadResult read = Engine.Get("k", T0);
                    ulong value = BinaryPrimitives.ReadUInt64LittleEndian(read.Value.Span);
                    Assert.That(value, Is.EqualTo(read.Index), "value and index come from one write");
                    Assert.That(value, Is.GreaterThanOrEqualTo(lastSeen), "reads never go back in time");
                    lastSeen = value;
                }
            },
            CancellationToken.None)).ToList();

        for (ulong index = 2; index <= 20_000; index++)
        {
            Engine.Set("k", IndexValue(index), new WriteStamp(index, T0));
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers).WaitAsync(cancellation);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Writes_ManyTasksManyKeys_AllLand(CancellationToken cancellation)
    {
        const int keysPerWorker = 2000;
        long nextIndex = 0;
        var tasks = Enumerable.Range(0, Workers).Select(worker => Task.Run(
            () =>
            {
                for (int i = 0; i < keysPerWorker; i++)
                {
                    string key = $"w{worker}-k{i}";
                    Engine.Set(key, Bytes(key), new WriteStamp((ulong)Interlocked.Increment(ref nextIndex), T0));
                    if (i % 3 == 0)
                    {
                        Assert.That(Engine.Delete(key, new WriteStamp((ulong)Interlocked.Increment(ref nextIndex), T0)), Is.True);
                    }
                }
            },
            cancellation));
        await Task.WhenAll(tasks).WaitAsync(cancellation);

        for (int worker = 0; worker < Workers; worker++)
        {
            for (int i = 0; i < keysPerWorker; i++)
            {
                string key = $"w{worker}-k{i}";
                ReadResult read = Engine.Get(key, T0);
                Assert.That(read.Found, Is.EqualTo(i % 3 != 0), key);
                if (read.Found)
                {
                    Assert.That(Text(read), Is.EqualTo(key));
                }
            }
        }

        Assert.That(Engine.WriteIndex, Is.EqualTo((ulong)nextIndex));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task SetEIfUnset_ManyTasksRaceForOneKey_ExactlyOneApplies(CancellationToken cancellation)
    {
        for (int round = 0; round < 50; round++)
        {
            string key = $"lock-{round}";
            long nextIndex = (long)Engine.WriteIndex;
            using var start = new ManualResetEventSlim();
            var tasks = Enumerable.Range(0, Workers).Select(worker => Task.Run(
                () =>
                {
                    start.Wait(cancellation);
                    var stamp = new WriteStamp((ulong)Interlocked.Increment(ref nextIndex), T0);
                    return Engine.SetEIfUnset(key, Bytes($"owner-{worker}"), 0, T0 + Seconds(30), stamp);
                },
                cancellation)).ToList();
            start.Set();
            bool[] results = await Task.WhenAll(tasks).WaitAsync(cancellation);

            Assert.That(results.Count(applied => applied), Is.EqualTo(1), $"round {round}");
            int winner = Array.IndexOf(results, true);
            Assert.That(Text(Engine.Get(key, T0)), Is.EqualTo($"owner-{winner}"));
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task CompareAndDelete_ManyTasksRace_ExactlyOneApplies(CancellationToken cancellation)
    {
        for (int round = 0; round < 50; round++)
        {
            string key = $"lock-{round}";
            Engine.Set(key, Bytes("owner"), Next());
            ulong baseIndex = Engine.WriteIndex;
            using var start = new ManualResetEventSlim();
            var tasks = Enumerable.Range(0, Workers).Select(worker => Task.Run(
                () =>
                {
                    start.Wait(cancellation);
                    return Engine.CompareAndDelete(key, Bytes("owner"), new WriteStamp(baseIndex + (ulong)worker + 1, T0));
                },
                cancellation)).ToList();
            start.Set();
            bool[] results = await Task.WhenAll(tasks).WaitAsync(cancellation);

            Assert.That(results.Count(applied => applied), Is.EqualTo(1), $"round {round}");
            Assert.That(Engine.Has(key, T0), Is.False);
            _index = Engine.WriteIndex;
        }
    }

    private static byte[] IndexValue(ulong index)
    {
        byte[] value = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(value, index);
        return value;
    }
}
