using DKV.Core.Consensus;
using DKV.Core.Locks;
using DKV.Core.Rpc;
using DKV.Core.Storage;
using DKV.Core.Stores;
using DKV.Host.Config;
using Microsoft.Extensions.Logging;

namespace DKV.Host;

/// <summary>
/// Composes one shard of <c>--shards</c>: a local shard gets its own engine, <see cref="LocalStore"/> and collector; a replicated
/// shard is the consensus node's store for the group of the same id. Lock shards put a <see cref="LockManager"/> over the store.
/// </summary>
internal static class ShardFactory
{
    /// <summary>Creates <paramref name="spec"/>; <paramref name="node"/> must be non-null for a replicated shard.</summary>
    public static ServerShard Create(
        ShardSpec spec, IEngineFactory engines, IConsensusNode? node, ServerConfig config, TimeProvider time, ILoggerFactory loggerFactory, ILogger logger)
    {
        if (!spec.IsReplicated)
        {
            return CreateLocal(spec, engines, config, time, loggerFactory, logger);
        }

        if (node is null)
        {
            throw new InvalidOperationException($"shard {spec} is replicated but no consensus node was started");
        }

        IStore store = node.GetStore(spec.Id);
        var rpc = spec.Kind == ShardKind.RemoteStore
            ? new RpcShard(spec.Id, spec.TypeName, store)
            : new RpcShard(spec.Id, spec.TypeName, NewLockManager(store, config, time), store);
        Log.ShardCreated(logger, spec.Description, spec.Id, $"{config.Engine} under raft group {spec.Id}");
        return new ServerShard(rpc, engine: null, collector: null);
    }

    private static ServerShard CreateLocal(
        ShardSpec spec, IEngineFactory engines, ServerConfig config, TimeProvider time, ILoggerFactory loggerFactory, ILogger logger)
    {
        var engine = engines.Create();
        try
        {
            var store = new LocalStore(engine, time);
            var collector = StartCollector(spec, engine, time, loggerFactory, logger);
            var rpc = spec.Kind == ShardKind.LocalStore
                ? new RpcShard(spec.Id, spec.TypeName, store)
                : new RpcShard(spec.Id, spec.TypeName, NewLockManager(store, config, time), store);
            Log.ShardCreated(logger, spec.Description, spec.Id, engine.Name);
            return new ServerShard(rpc, engine, collector);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    private static LockManager NewLockManager(IStore store, ServerConfig config, TimeProvider time) =>
        new(store, time, new LockManagerOptions { MaxWait = config.RequestTimeout });

    private static EngineCollector? StartCollector(ShardSpec spec, IKVDB engine, TimeProvider time, ILoggerFactory loggerFactory, ILogger logger)
    {
        if (!engine.Features.HasFlag(EngineFeatures.GarbageCollect))
        {
            Log.NoCollector(logger, spec.Id, $"engine '{engine.Name}' does not support collection; expired entries stay until overwritten");
            return null;
        }

        return new EngineCollector(engine, time, null, loggerFactory.CreateLogger<EngineCollector>());
    }
}
