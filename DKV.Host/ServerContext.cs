using DKV.Core.Locks;
using DKV.Core.Plugins;
using DKV.Core.Rpc;
using DKV.Core.Stores;
using Microsoft.Extensions.Logging;

namespace DKV.Host;

/// <summary>The <see cref="IServerContext"/> the host hands its extensions: a read-only view of the composed shards.</summary>
internal sealed class ServerContext : IServerContext
{
    private readonly Dictionary<ulong, RpcShard> _shards;

    public ServerContext(IReadOnlyDictionary<string, string> settings, IEnumerable<RpcShard> shards, ILoggerFactory loggerFactory, TimeProvider time)
    {
        Settings = settings;
        var list = shards.ToList();
        _shards = list.ToDictionary(s => s.Id);
        ShardIds = list.Select(s => s.Id).ToList();
        LoggerFactory = loggerFactory;
        Time = time;
    }

    public IReadOnlyDictionary<string, string> Settings { get; }

    public IReadOnlyList<ulong> ShardIds { get; }

    public ILoggerFactory LoggerFactory { get; }

    public TimeProvider Time { get; }

    public IStore? GetStore(ulong shardId) => _shards.TryGetValue(shardId, out var shard) ? shard.Store : null;

    public ILockManager? GetLockManager(ulong shardId) => _shards.TryGetValue(shardId, out var shard) ? shard.LockManager : null;
}
