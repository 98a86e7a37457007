using DKV.Core.Consensus;
using DKV.Core.Errors;
using DKV.Core.Plugins;
using DKV.Core.Storage;
using DKV.Host.Config;
using Microsoft.Extensions.Logging;

namespace DKV.Host;

/// <summary>
/// Starts this process's consensus node when the configuration has replicated shards (<c>dstore</c>, <c>lockmgr(dstore)</c>):
/// resolves the <see cref="IConsensusFactory"/> named <see cref="FactoryName"/> from the loaded plugins and hands it the
/// cluster flags as <see cref="ConsensusNodeOptions"/>.
/// </summary>
internal static class ReplicationStarter
{
    /// <summary>The consensus implementation the host asks for.</summary>
    public const string FactoryName = "raft";

    /// <summary>Plugin settings with this prefix go to the consensus node, without it.</summary>
    public const string SettingPrefix = "raft.";

    /// <summary>
    /// Starts the node, or returns null when no shard is replicated. Throws <see cref="ConfigException"/> when the raft plugin
    /// is not loaded (listing what is) or rejects the options, and <see cref="DkvException"/> when it cannot start (damaged
    /// data directory, peer address in use).
    /// </summary>
    public static async Task<IConsensusNode?> StartAsync(
        ServerConfig config, PluginCatalog catalog, IServiceProvider services, IEngineFactory engines,
        ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!config.HasReplicatedShards)
        {
            return null;
        }

        IConsensusFactory factory;
        try
        {
            factory = catalog.Resolve<IConsensusFactory>(services, FactoryName);
        }
        catch (DkvException ex) when (ex.Code == DkvErrorCode.InvalidArgument)
        {
            string replicated = string.Join(", ", config.Shards.Where(s => s.IsReplicated).Select(s => s.ToString()));
            throw new ConfigException(
                $"shards {replicated} need the consensus plugin '{FactoryName}': {ex.Message}; "
                + "put the DKV.Consensus plugin folder in a plugins directory (--plugins-dir) or use lstore shards", ex);
        }

        var options = CreateOptions(config, engines, loggerFactory, time);
        try
        {
            return await factory.StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (DkvException ex) when (ex.Code == DkvErrorCode.InvalidArgument)
        {
            throw new ConfigException($"consensus '{FactoryName}' rejected the cluster settings: {ex.Message}", ex);
        }
    }

    /// <summary>The options for the consensus node, from the cluster flags (members keep the order they were given in).</summary>
    public static ConsensusNodeOptions CreateOptions(ServerConfig config, IEngineFactory engines, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(engines);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in config.PluginSettings)
        {
            if (name.StartsWith(SettingPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > SettingPrefix.Length)
            {
                settings[name[SettingPrefix.Length..]] = value;
            }
        }

        return new ConsensusNodeOptions
        {
            ReplicaName = config.ReplicaName,
            Members = config.ClusterMembers.Select(m => new ClusterMember(m.Key, ReplicaIds.Hash(m.Key), m.Value)).ToList(),
            DataDirectory = Path.GetFullPath(config.DataDir),
            GroupIds = config.Shards.Where(s => s.IsReplicated).Select(s => s.Id).ToList(),
            Engines = engines,
            Rtt = TimeSpan.FromMilliseconds(config.RttMilliseconds),
            ElectionRttFactor = config.ElectionRttFactor,
            HeartbeatRttFactor = config.HeartbeatRttFactor,
            SnapshotEntries = (ulong)config.SnapshotEntries,
            CompactionOverhead = (ulong)config.CompactionOverhead,
            RequestTimeout = config.RequestTimeout,
            Settings = settings,
            Time = time,
            LoggerFactory = loggerFactory,
        };
    }
}
