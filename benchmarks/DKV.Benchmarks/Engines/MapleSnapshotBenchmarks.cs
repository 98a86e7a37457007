using BenchmarkDotNet.Attributes;
using DKV.Core.Storage;
using DKV.Engines.Maple;

namespace DKV.Benchmarks.Engines;

/// <summary>Upstream's Save/Load rows: a 10,000-entry Maple engine (16-byte values) saved to memory and loaded back.</summary>
[MemoryDiagnoser]
public class MapleSnapshotBenchmarks
{
    private const int EntryCount = 10_000;
    private static readonly long s_now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private MapleEngine _source = null!;
    private MapleEngine _target = null!;
    private MemoryStream _saveBuffer = null!;
    private byte[] _image = [];

    [GlobalSetup]
    public void Setup()
    {
        _source = new MapleEngine();
        _target = new MapleEngine();
        byte[] value = new byte[16];
        for (int i = 0; i < EntryCount; i++)
        {
            long expireAt = i % 2 == 0 ? 0 : s_now + TimeSpan.TicksPerHour;
            _source.SetE($"key-{i}", value, expireAt, 0, new WriteStamp((ulong)i + 1, s_now));
        }

        _saveBuffer = new MemoryStream();
        _source.Save(_saveBuffer);
        _image = _saveBuffer.ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _source.Dispose();
        _target.Dispose();
        _saveBuffer.Dispose();
    }

    [Benchmark]
    public ulong Save()
    {
        _saveBuffer.Position = 0;
        return _source.Save(_saveBuffer);
    }

    [Benchmark]
    public ulong Load()
    {
        using var stream = new MemoryStream(_image, writable: false);
        return _target.Load(stream);
    }
}
