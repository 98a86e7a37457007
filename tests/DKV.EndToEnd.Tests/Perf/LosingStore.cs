using DKV.Core.Storage;
using DKV.Core.Stores;

namespace DKV.EndToEnd.Tests.Perf;

/// <summary>A faulty store for <c>dkv kv test</c>: every write answers "applied" but is dropped, so nothing is ever found.</summary>
internal sealed class LosingStore : IStore
{
    private long _index;

    public ValueTask<WriteResult> SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) => Lost();

    public ValueTask<WriteResult> SetEAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) => Lost();

    public ValueTask<WriteResult> SetEIfUnsetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) => Lost();

    public ValueTask<WriteResult> CompareAndSetEAsync(string key, ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) => Lost();

    public ValueTask<WriteResult> ExpireAsync(string key, CancellationToken cancellationToken = default) => Lost();

    public ValueTask<WriteResult> DeleteAsync(string key, CancellationToken cancellationToken = default) => Lost();

    public ValueTask<WriteResult> CompareAndDeleteAsync(string key, ReadOnlyMemory<byte> expected, CancellationToken cancellationToken = default) => Lost();

    public ValueTask<GetResult> GetAsync(string key, CancellationToken cancellationToken = default) => ValueTask.FromResult(GetResult.NotFound);

    public ValueTask<bool> HasAsync(string key, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

    public ValueTask<StoreInfo> GetDBInfoAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new StoreInfo("losing-store", new EngineInfo("none", 0, 0, (ulong)Interlocked.Read(ref _index), EngineFeatures.Set | EngineFeatures.Get, new Dictionary<string, string>())));

    private ValueTask<WriteResult> Lost() => ValueTask.FromResult(new WriteResult(true, (ulong)Interlocked.Increment(ref _index)));
}
