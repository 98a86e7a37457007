using System.Buffers.Binary;
using DKV.Core.Storage;
using DKV.Engines.Maple;

namespace DKV.Engines.Tests.Maple;

/// <summary>
/// Save under concurrent writes produces an image of exactly one write index: every entry has an index at or below it and
/// every write at or below it is in.
/// </summary>
public sealed class MapleConsistentSnapshotTests
{
    private static readonly long s_t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    [Test]
    [CancelAfter(60_000)]
    public async Task Save_UnderConcurrentWrites_ImageIsExactlyTheWritesUpToItsIndex(CancellationToken cancellation)
    {
        using var engine = new MapleEngine(new MapleOptions { ShardCount = 8 });
        var log = new List<(ulong Index, string Key, bool Delete)>();
        var order = new Lock();
        ulong nextIndex = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);

        // Writers take an index and apply under one lock, as a store orders its writes; Save runs beside them, not under that lock.
        var writers = Enumerable.Range(0, 3).Select(worker => Task.Run(
            () =>
            {
                var random = new Random(worker);
                while (!stop.IsCancellationRequested)
                {
                    lock (order)
                    {
                        ulong index = ++nextIndex;
                        string key = $"k{random.Next(200)}";
                        bool delete = random.Next(5) == 0;
                        if (delete)
                        {
                            engine.Delete(key, new WriteStamp(index, s_t0));
                        }
                        else
                        {
                            engine.Set(key, IndexValue(index), new WriteStamp(index, s_t0));
                        }

                        log.Add((index, key, delete));
                    }
                }
            },
            CancellationToken.None)).ToList();

        var images = new List<(ulong Index, byte[] Bytes)>();
        for (int i = 0; i < 30; i++)
        {
            using var stream = new MemoryStream();
            ulong index = engine.Save(stream);
            images.Add((index, stream.ToArray()));
            await Task.Yield();
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers).WaitAsync(cancellation);

        Assert.That(images.Select(i => i.Index).Distinct().Count(), Is.GreaterThan(1), "the writers ran during the saves");
        foreach ((ulong index, byte[] bytes) in images)
        {
            AssertImageIsExactly(index, bytes, log);
        }
    }

    private static void AssertImageIsExactly(ulong index, byte[] bytes, List<(ulong Index, string Key, bool Delete)> log)
    {
        var expected = new Dictionary<string, ulong?>();
        foreach (var write in log.Where(w => w.Index <= index))
        {
            expected[write.Key] = write.Delete ? null : write.Index;
        }

        using var copy = new MapleEngine();
        Assert.That(copy.Load(new MemoryStream(bytes)), Is.EqualTo(index));
        for (int k = 0; k < 200; k++)
        {
            string key = $"k{k}";
            ReadResult read = copy.Get(key, s_t0);
            ulong? want = expected.GetValueOrDefault(key);
            Assert.That(read.Found, Is.EqualTo(want is not null), $"image {index}, {key}");
            if (want is ulong writeIndex)
            {
                Assert.That(read.Index, Is.EqualTo(writeIndex), $"image {index}, {key}");
                Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(read.Value.Span), Is.EqualTo(writeIndex));
            }
        }
    }

    private static byte[] IndexValue(ulong index)
    {
        byte[] value = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(value, index);
        return value;
    }
}
