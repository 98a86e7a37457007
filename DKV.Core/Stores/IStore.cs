namespace DKV.Core.Stores;

/// <summary>
/// A linearizable key-value store (upstream dKV's IStore, improved). <c>lstore</c> is linearizable on one node,
/// <c>dstore</c> across a Raft cluster, and the RPC client implements it remotely.
/// </summary>
/// <remarks>
/// <para>TTLs are wall-clock durations. A deadline is fixed once, when the write is ordered, so all replicas agree.
/// <see cref="TimeSpan.Zero"/> means "no deadline"; negative durations are rejected with
/// <see cref="Errors.DkvErrorCode.InvalidArgument"/>.</para>
/// <para>After expireIn, Get answers not found while Has still answers true; after deleteIn both answer not found.</para>
/// <para>Failures throw <see cref="Errors.DkvException"/>. Not found is not a failure.</para>
/// <para>Value memory passed in is copied or owned by the store once the call returns; the caller may reuse it.</para>
/// </remarks>
public interface IStore
{
    ValueTask<WriteResult> SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default);

    ValueTask<WriteResult> SetEAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default);

    /// <summary>Writes only when the key is absent or deleted; <see cref="WriteResult.Applied"/> says whether it did.</summary>
    ValueTask<WriteResult> SetEIfUnsetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default);

    /// <summary>Writes only when the key is visible and holds <paramref name="expected"/>; atomic.</summary>
    ValueTask<WriteResult> CompareAndSetEAsync(string key, ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default);

    ValueTask<WriteResult> ExpireAsync(string key, CancellationToken cancellationToken = default);

    ValueTask<WriteResult> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes only when the key is visible and holds <paramref name="expected"/>; atomic.</summary>
    ValueTask<WriteResult> CompareAndDeleteAsync(string key, ReadOnlyMemory<byte> expected, CancellationToken cancellationToken = default);

    ValueTask<GetResult> GetAsync(string key, CancellationToken cancellationToken = default);

    ValueTask<bool> HasAsync(string key, CancellationToken cancellationToken = default);

    ValueTask<StoreInfo> GetDBInfoAsync(CancellationToken cancellationToken = default);
}
