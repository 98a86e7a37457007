using DKV.Core.Storage;

namespace DKV.Core.Tests.Stores;

/// <summary>
/// Wraps an engine for tests: can report fewer features, run a hook before every write (to observe or block it), and replace Collect.
/// Everything else is passed through unchanged.
/// </summary>
internal sealed class InterceptingEngine(IKVDB inner) : IKVDB
{
    public EngineFeatures? FeaturesOverride { get; init; }

    /// <summary>Runs before each write reaches the inner engine, with the operation name, key and stamp.</summary>
    public Action<string, string, WriteStamp>? BeforeWrite { get; init; }

    /// <summary>Replaces Collect when set; receives now and maxEntries.</summary>
    public Func<long, int, int>? CollectOverride { get; init; }

    public string Name => inner.Name;

    public EngineFeatures Features => FeaturesOverride ?? inner.Features;

    public ulong WriteIndex => inner.WriteIndex;

    public bool Set(string key, ReadOnlyMemory<byte> value, WriteStamp stamp)
    {
        BeforeWrite?.Invoke(nameof(Set), key, stamp);
        return inner.Set(key, value, stamp);
    }

    public bool SetE(string key, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp)
    {
        BeforeWrite?.Invoke(nameof(SetE), key, stamp);
        return inner.SetE(key, value, expireAtUtcTicks, deleteAtUtcTicks, stamp);
    }

    public bool SetEIfUnset(string key, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp)
    {
        BeforeWrite?.Invoke(nameof(SetEIfUnset), key, stamp);
        return inner.SetEIfUnset(key, value, expireAtUtcTicks, deleteAtUtcTicks, stamp);
    }

    public bool CompareAndSetE(string key, ReadOnlySpan<byte> expected, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp)
    {
        BeforeWrite?.Invoke(nameof(CompareAndSetE), key, stamp);
        return inner.CompareAndSetE(key, expected, value, expireAtUtcTicks, deleteAtUtcTicks, stamp);
    }

    public bool Expire(string key, WriteStamp stamp)
    {
        BeforeWrite?.Invoke(nameof(Expire), key, stamp);
        return inner.Expire(key, stamp);
    }

    public bool Delete(string key, WriteStamp stamp)
    {
        BeforeWrite?.Invoke(nameof(Delete), key, stamp);
        return inner.Delete(key, stamp);
    }

    public bool CompareAndDelete(string key, ReadOnlySpan<byte> expected, WriteStamp stamp)
    {
        BeforeWrite?.Invoke(nameof(CompareAndDelete), key, stamp);
        return inner.CompareAndDelete(key, expected, stamp);
    }

    public ReadResult Get(string key, long nowUtcTicks) => inner.Get(key, nowUtcTicks);

    public bool Has(string key, long nowUtcTicks) => inner.Has(key, nowUtcTicks);

    public int Collect(long nowUtcTicks, int maxEntries) =>
        CollectOverride is null ? inner.Collect(nowUtcTicks, maxEntries) : CollectOverride(nowUtcTicks, maxEntries);

    public ulong Save(Stream destination) => inner.Save(destination);

    public ulong Load(Stream source) => inner.Load(source);

    public EngineInfo GetInfo() => inner.GetInfo();

    public void Dispose() => inner.Dispose();
}
