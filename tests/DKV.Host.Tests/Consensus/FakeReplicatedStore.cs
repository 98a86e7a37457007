using DKV.Core.Stores;

namespace DKV.Host.Tests.Consensus;

/// <summary>A local store that answers dbInfo as a replicated store does (kind dstore, with its replica status), and fails once its node is disposed.</summary>
internal sealed class FakeReplicatedStore(LocalStore inner, Func<ReplicaStatus> status, Func<bool> disposed) : IStore
{
    public ValueTask<WriteResult> SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        Live().SetAsync(key, value, cancellationToken);

    public ValueTask<WriteResult> SetEAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) =>
        Live().SetEAsync(key, value, expireIn, deleteIn, cancellationToken);

    public ValueTask<WriteResult> SetEIfUnsetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) =>
        Live().SetEIfUnsetAsync(key, value, expireIn, deleteIn, cancellationToken);

    public ValueTask<WriteResult> CompareAndSetEAsync(string key, ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) =>
        Live().CompareAndSetEAsync(key, expected, value, expireIn, deleteIn, cancellationToken);

    public ValueTask<WriteResult> ExpireAsync(string key, CancellationToken cancellationToken = default) => Live().ExpireAsync(key, cancellationToken);

    public ValueTask<WriteResult> DeleteAsync(string key, CancellationToken cancellationToken = default) => Live().DeleteAsync(key, cancellationToken);

    public ValueTask<WriteResult> CompareAndDeleteAsync(string key, ReadOnlyMemory<byte> expected, CancellationToken cancellationToken = default) =>
        Live().CompareAndDeleteAsync(key, expected, cancellationToken);

    public ValueTask<GetResult> GetAsync(string key, CancellationToken cancellationToken = default) => Live().GetAsync(key, cancellationToken);

    public ValueTask<bool> HasAsync(string key, CancellationToken cancellationToken = default) => Live().HasAsync(key, cancellationToken);

    public async ValueTask<StoreInfo> GetDBInfoAsync(CancellationToken cancellationToken = default)
    {
        StoreInfo info = await Live().GetDBInfoAsync(cancellationToken);
        return new StoreInfo("dstore", info.Engine) { Replication = status() };
    }

    private LocalStore Live() =>
        disposed() ? throw new ObjectDisposedException(nameof(FakeConsensusNode), "a request reached the consensus node after it was disposed") : inner;
}
