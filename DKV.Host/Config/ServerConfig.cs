using DKV.Core.Transport;
using Microsoft.Extensions.Logging;

namespace DKV.Host.Config;

/// <summary>
/// Everything <c>dkv serve</c> needs, validated (see <see cref="ServerConfigBinder"/>). The defaults run a useful single node:
/// tcp on 127.0.0.1:8080, binary serializer, Maple engine, shards 100=lstore and 200=lockmgr(lstore).
/// </summary>
public sealed record ServerConfig
{
    public IReadOnlyList<ShardSpec> Shards { get; init; } = ShardSpec.ParseList("100=lstore,200=lockmgr(lstore)");

    public string Engine { get; init; } = "maple";

    public string Serializer { get; init; } = "binary";

    public string Transport { get; init; } = "tcp";

    /// <summary>The server transport's options; its serializer name always equals <see cref="Serializer"/>.</summary>
    public ServerTransportOptions TransportOptions { get; init; } = new();

    /// <summary>Deadline for one request on the server.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long in-flight requests may take to finish after SIGINT/SIGTERM.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>Plugin directories, in load order.</summary>
    public IReadOnlyList<string> PluginDirectories { get; init; } = [Core.Plugins.PluginLoaderOptions.DefaultDirectory];

    /// <summary>Settings for plugins' server extensions (<c>--plugin-setting name=value</c>), by name, case-insensitive.</summary>
    public IReadOnlyDictionary<string, string> PluginSettings { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public string DataDir { get; init; } = "data";

    /// <summary>This node's name in <see cref="ClusterMembers"/>; empty when there are no dstore shards.</summary>
    public string ReplicaName { get; init; } = string.Empty;

    /// <summary>Raft member names and addresses, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ClusterMembers { get; init; } = [];

    public int RttMilliseconds { get; init; } = 100;

    public int ElectionRttFactor { get; init; } = 10;

    public int HeartbeatRttFactor { get; init; } = 2;

    public long SnapshotEntries { get; init; } = 100_000;

    public long CompactionOverhead { get; init; } = 5000;

    /// <summary>True when any shard needs Raft.</summary>
    public bool HasReplicatedShards => Shards.Any(s => s.IsReplicated);
}
