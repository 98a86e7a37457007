using System.Collections.Concurrent;
using DKV.Core.Storage;
using DKV.Core.Stores;

namespace DKV.LoadTest;

/// <summary>
/// The self-host mode's store: a concurrent dictionary, no TTLs, a global write index. It isolates the RPC path from any
/// engine, so the figures measure serializer + framing + transport.
/// </summary>
internal sealed class InMemoryStore : IStore
{
    private readonly ConcurrentDictionary<string, (byte[] Value, ulong Index)> _data = new(StringComparer.Ordinal);
    private long _index;

    public ValueTask<WriteResult> SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) => ValueTask.FromResult(Put(key, value));

    public ValueTask<WriteResult> SetEAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) => ValueTask.FromResult(Put(key, value));

    public ValueTask<WriteResult> SetEIfUnsetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default)
    {
        ulong index = (ulong)Interlocked.Increment(ref _index);
        return ValueTask.FromResult(new WriteResult(_data.TryAdd(key, (value.ToArray(), index)), index));
    }

    public ValueTask<WriteResult> CompareAndSetEAsync(string key, ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default)
    {
        ulong index = (ulong)Interlocked.Increment(ref _index);
        bool applied = _data.TryGetValue(key, out var held) && held.Value.AsSpan().SequenceEqual(expected.Span) && _data.TryUpdate(key, (value.ToArray(), index), held);
        return ValueTask.FromResult(new WriteResult(applied, index));
    }

    public ValueTask<WriteResult> ExpireAsync(string key, CancellationToken cancellationToken = default) => DeleteAsync(key, cancellationToken);

    public ValueTask<WriteResult> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new WriteResult(_data.TryRemove(key, out _), (ulong)Interlocked.Increment(ref _index)));

    public ValueTask<WriteResult> CompareAndDeleteAsync(string key, ReadOnlyMemory<byte> expected, CancellationToken cancellationToken = default)
    {
        bool applied = _data.TryGetValue(key, out var held) && held.Value.AsSpan().SequenceEqual(expected.Span) && _data.TryRemove(new KeyValuePair<string, (byte[], ulong)>(key, held));
        return ValueTask.FromResult(new WriteResult(applied, (ulong)Interlocked.Increment(ref _index)));
    }

    public ValueTask<GetResult> GetAsync(string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_data.TryGetValue(key, out var held) ? new GetResult(true, held.Value, held.Index) : GetResult.NotFound);

    public ValueTask<bool> HasAsync(string key, CancellationToken cancellationToken = default) => ValueTask.FromResult(_data.ContainsKey(key));

    public ValueTask<StoreInfo> GetDBInfoAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new StoreInfo("lstore", new EngineInfo("in-memory", _data.Count, 0, (ulong)Interlocked.Read(ref _index), EngineFeatures.Set | EngineFeatures.Get, new Dictionary<string, string>())));

    private WriteResult Put(string key, ReadOnlyMemory<byte> value)
    {
        ulong index = (ulong)Interlocked.Increment(ref _index);
        _data[key] = (value.ToArray(), index);
        return new WriteResult(true, index);
    }
}
