using DKV.Core.Locks;
using DKV.Core.Stores;
using Microsoft.Extensions.Logging;

namespace DKV.Core.Plugins;

/// <summary>What the host gives an <see cref="IServerExtension"/>: its shards, the plugin settings, logging and the clock.</summary>
/// <remarks>Thread-safe and immutable for the life of the server.</remarks>
public interface IServerContext
{
    /// <summary>
    /// The plugin settings (<c>--plugin-setting name=value</c>, repeatable; <c>DKV_PLUGIN_SETTING</c>; a <c>plugin-setting</c>
    /// array in the JSON file), keyed by name (case-insensitive). Each extension reads its own names, by convention prefixed
    /// with its name (<c>resp-endpoint</c>).
    /// </summary>
    IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The ids of the shards this server serves, in configuration order.</summary>
    IReadOnlyList<ulong> ShardIds { get; }

    /// <summary>The store of shard <paramref name="shardId"/>, or null when there is no such shard or it is not a store shard.</summary>
    IStore? GetStore(ulong shardId);

    /// <summary>The lock manager of shard <paramref name="shardId"/>, or null when there is no such shard or it is not a lock shard.</summary>
    ILockManager? GetLockManager(ulong shardId);

    /// <summary>The host's logger factory.</summary>
    ILoggerFactory LoggerFactory { get; }

    /// <summary>The host's clock.</summary>
    TimeProvider Time { get; }
}
