namespace DKV.Host.Config;

/// <summary>What a shard serves (upstream's ServerShardType).</summary>
public enum ShardKind
{
    /// <summary><c>lstore</c>: a store on this node only, over its own engine.</summary>
    LocalStore,

    /// <summary><c>dstore</c>: a Raft-replicated store (needs the consensus plugin).</summary>
    RemoteStore,

    /// <summary><c>lockmgr(lstore)</c>: a lock manager over its own local store.</summary>
    LocalLockManager,

    /// <summary><c>lockmgr(dstore)</c>: a lock manager over a Raft-replicated store (needs the consensus plugin).</summary>
    RemoteLockManager,
}
