using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using DKV.Core.Storage;
using DKV.Engines.Maple;

namespace DKV.Benchmarks.Engines;

/// <summary>
/// Upstream dKV's Maple benchmark rows, plus a raw <see cref="ConcurrentDictionary{TKey, TValue}"/> baseline for Set/Get/Has in
/// the same run. Single-threaded; keys are visited in a fixed shuffled order over a pre-filled set (so Set overwrites and Get
/// hits, and neither side profits from keys laid out in memory in visiting order). Both the engine and the baseline hold the
/// same keys.
/// </summary>
[MemoryDiagnoser]
public class MapleBenchmarks
{
    private const int KeyCount = 1 << 16;
    private const int KeyMask = KeyCount - 1;
    private static readonly long s_now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private readonly byte[] _value = new byte[16];
    private readonly byte[] _largeValue = new byte[1 << 20];
    private string[] _keys = [];
    private string[] _expiringKeys = [];
    private string[] _missingKeys = [];
    private MapleEngine _engine = null!;
    private ConcurrentDictionary<string, byte[]> _baseline = null!;
    private ulong _index;
    private int[] _order = [];
    private int _cursor;

    [GlobalSetup]
    public void Setup()
    {
        _keys = Enumerable.Range(0, KeyCount).Select(i => $"key-{i}").ToArray();
        _expiringKeys = Enumerable.Range(0, KeyCount).Select(i => $"expiring-{i}").ToArray();
        _missingKeys = Enumerable.Range(0, KeyCount).Select(i => $"missing-{i}").ToArray();
        _order = Enumerable.Range(0, KeyCount).ToArray();
        new Random(20260101).Shuffle(_order);
        _engine = new MapleEngine();
        _baseline = new ConcurrentDictionary<string, byte[]>();
        foreach (string key in _keys)
        {
            _engine.Set(key, _value, Stamp());
            _baseline[key] = _value;
        }

        foreach (string key in _expiringKeys)
        {
            _engine.SetE(key, _value, s_now + TimeSpan.TicksPerHour, s_now + (2 * TimeSpan.TicksPerHour), Stamp());
            _baseline[key] = _value;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    [Benchmark]
    public bool Set() => _engine.Set(NextKey(), _value, Stamp());

    [Benchmark]
    public byte[] Baseline_Set() => _baseline[NextKey()] = _value;

    [Benchmark]
    public bool SetExisting() => _engine.Set("key-1", _value, Stamp());

    [Benchmark]
    public bool SetLargeValue() => _engine.Set(NextKey(), _largeValue, Stamp());

    [Benchmark]
    public bool SetWithExpiry() =>
        _engine.SetE(NextKey(), _value, s_now + TimeSpan.TicksPerHour, s_now + (2 * TimeSpan.TicksPerHour), Stamp());

    /// <summary>Returns only <see cref="ReadResult.Found"/>, like the baseline's bool, so both rows hand the harness the same type.</summary>
    [Benchmark]
    public bool Get() => _engine.Get(NextKey(), s_now).Found;

    [Benchmark]
    public bool Baseline_Get() => _baseline.TryGetValue(NextKey(), out _);

    [Benchmark]
    public bool GetWithExpiry() => _engine.Get(_expiringKeys[Advance()], s_now).Found;

    /// <summary>Deleting a present key: each call sets the key, then deletes it (both are counted).</summary>
    [Benchmark]
    public bool SetThenDelete()
    {
        string key = NextKey();
        _engine.Set(key, _value, Stamp());
        return _engine.Delete(key, Stamp());
    }

    [Benchmark]
    public bool Has() => _engine.Has(NextKey(), s_now);

    [Benchmark]
    public bool Baseline_Has() => _baseline.ContainsKey(NextKey());

    [Benchmark]
    public bool HasNot() => _engine.Has(_missingKeys[Advance()], s_now);

    /// <summary>Per 10 calls: 5 Get, 3 Set, 1 Has, 1 Delete, over the same keys.</summary>
    [Benchmark]
    public bool MixedUsage() => Mixed(withExpiry: false);

    /// <summary>As <see cref="MixedUsage"/>, with every Set carrying expire and delete deadlines.</summary>
    [Benchmark]
    public bool MixedUsageWithExpiry() => Mixed(withExpiry: true);

    private bool Mixed(bool withExpiry)
    {
        int step = Advance();
        string key = _keys[step];
        switch (step % 10)
        {
            case 0 or 1 or 2 or 3 or 4:
                return _engine.Get(key, s_now).Found;
            case 5 or 6 or 7:
                return withExpiry
                    ? _engine.SetE(key, _value, s_now + TimeSpan.TicksPerHour, s_now + (2 * TimeSpan.TicksPerHour), Stamp())
                    : _engine.Set(key, _value, Stamp());
            case 8:
                return _engine.Has(key, s_now);
            default:
                return _engine.Delete(key, Stamp());
        }
    }

    private string NextKey() => _keys[Advance()];

    private int Advance() => _order[_cursor = (_cursor + 1) & KeyMask];

    private WriteStamp Stamp() => new(++_index, s_now);
}
