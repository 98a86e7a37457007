using DKV.Core.Locks;
using DKV.Core.Stores;

namespace DKV.Core.Rpc;

/// <summary>
/// One shard served by an <see cref="RpcServer"/>: an id clients address frames to, a kind for listings and errors
/// (<c>lstore</c>, <c>lockmgr(lstore)</c>, <c>dstore</c> ...), and the object that answers: either a store or a lock manager.
/// </summary>
public sealed class RpcShard
{
    /// <summary>A shard that serves the key-value operations of <paramref name="store"/>.</summary>
    public RpcShard(ulong id, string kind, IStore store)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(store);
        Id = id;
        Kind = kind;
        Store = store;
    }

    /// <summary>A shard that serves the lock operations of <paramref name="lockManager"/>.</summary>
    public RpcShard(ulong id, string kind, ILockManager lockManager)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(lockManager);
        Id = id;
        Kind = kind;
        LockManager = lockManager;
    }

    public ulong Id { get; }

    /// <summary>For example <c>lstore</c> or <c>lockmgr(lstore)</c>.</summary>
    public string Kind { get; }

    /// <summary>
    /// A shard that serves the lock operations of <paramref name="lockManager"/>, and answers <c>dbInfo</c> with the figures of
    /// <paramref name="infoStore"/>, the store the locks live in (so <c>dkv cluster status</c> shows a lock shard's replication).
    /// </summary>
    public RpcShard(ulong id, string kind, ILockManager lockManager, IStore infoStore)
        : this(id, kind, lockManager)
    {
        ArgumentNullException.ThrowIfNull(infoStore);
        InfoStore = infoStore;
    }

    /// <summary>The store, when this is a store shard; otherwise null.</summary>
    public IStore? Store { get; }

    /// <summary>The lock manager, when this is a lock shard; otherwise null.</summary>
    public ILockManager? LockManager { get; }

    /// <summary>For a lock shard, the store whose <c>dbInfo</c> it answers with; null when it answers no <c>dbInfo</c>.</summary>
    public IStore? InfoStore { get; }

    /// <summary><c>100 (lstore)</c>.</summary>
    public override string ToString() => $"{Id} ({Kind})";
}
