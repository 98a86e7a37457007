using System.Globalization;
using System.Text;
using DKV.Core.Plugins;
using DKV.Host.Config;

namespace DKV.Host;

/// <summary>
/// The startup summary: upstream dKV's sections (RPC SERVER, TRANSPORT, LOGGING, SHARDS; with replicated shards also NODE
/// IDENTITY, RAFT PARAMETERS, STORAGE and the cluster members sorted by id) plus the loaded plugins.
/// </summary>
public static class ServerSummary
{
    /// <summary>The summary as lines, each section a title line followed by <c>  name: value</c> lines; starts with a newline.</summary>
    public static string Describe(ServerConfig config, PluginCatalog plugins)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(plugins);
        var text = new StringBuilder();
        var transport = config.TransportOptions;
        Section(text, "RPC SERVER");
        Field(text, "Timeout", DurationText.Format(config.RequestTimeout));
        Field(text, "Shutdown Timeout", DurationText.Format(config.ShutdownTimeout));
        Field(text, "Engine", config.Engine);
        Field(text, "Serializer", config.Serializer);
        Section(text, "TRANSPORT");
        Field(text, "Transport", config.Transport);
        Field(text, "Endpoint", transport.Endpoint);
        Field(text, "Workers Per Connection", Number(transport.MaxInflightPerConnection));
        Field(text, "Write Buffer Size", $"{Number(transport.WriteBufferBytes)} bytes");
        Field(text, "Read Buffer Size", $"{Number(transport.ReadBufferBytes)} bytes");
        Field(text, "Max Frame Size", $"{Number(transport.MaxFrameBytes)} bytes");
        if (config.Transport == "tcp")
        {
            Field(text, "TCP No Delay", transport.TcpNoDelay ? "true" : "false");
            Field(text, "TCP Keep Alive", transport.TcpKeepAlive == TimeSpan.Zero ? "off" : DurationText.Format(transport.TcpKeepAlive));
            Field(text, "TCP Linger", transport.TcpLinger is { } linger ? DurationText.Format(linger) : "system default");
        }

        Section(text, "LOGGING");
        Field(text, "Log Level", LevelName(config.LogLevel));
        Section(text, "SHARDS");
        foreach (var shard in config.Shards)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  {shard.Id}: {shard.Description}");
        }

        if (config.HasReplicatedShards)
        {
            DescribeCluster(text, config);
        }

        Section(text, "PLUGINS");
        foreach (var plugin in plugins.Loaded)
        {
            string names = string.Join("; ", plugin.NamesByKind.Select(k => $"{k.Key}: {string.Join(", ", k.Value)}"));
            text.Append(CultureInfo.InvariantCulture, $"\n  {plugin.Name} {plugin.AssemblyVersion} ({names}) from {plugin.Folder}");
        }

        foreach (var failure in plugins.Failures)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  not loaded: {failure.Folder}: {failure.Reason}");
        }

        return text.ToString();
    }

    private static void DescribeCluster(StringBuilder text, ServerConfig config)
    {
        ulong replicaId = ReplicaIds.Hash(config.ReplicaName);
        string address = config.ClusterMembers.FirstOrDefault(m => m.Key == config.ReplicaName).Value ?? "none";
        Section(text, "NODE IDENTITY");
        Field(text, "Replica Name", config.ReplicaName);
        Field(text, "Node ID", replicaId.ToString(CultureInfo.InvariantCulture));
        Field(text, "RAFT Address", address);
        Section(text, "RAFT PARAMETERS");
        int rtt = config.RttMilliseconds;
        Field(text, "Round Trip Time (ms)", $"{Number(rtt)} ms");
        Field(text, "Election RTT (ms)", $"{Number(rtt * config.ElectionRttFactor)} ms ({Number(config.ElectionRttFactor)} x {Number(rtt)} ms)");
        Field(text, "Heartbeat RTT (ms)", $"{Number(rtt * config.HeartbeatRttFactor)} ms ({Number(config.HeartbeatRttFactor)} x {Number(rtt)} ms)");
        Field(text, "Check Quorum", "true");
        Field(text, "Snapshot Entries", config.SnapshotEntries == 0 ? "0 (automatic snapshots off)" : config.SnapshotEntries.ToString(CultureInfo.InvariantCulture));
        Field(text, "Compaction Overhead", config.CompactionOverhead.ToString(CultureInfo.InvariantCulture));
        Field(text, "Timeout", DurationText.Format(config.RequestTimeout));
        Section(text, "STORAGE");
        Field(text, "Data Directory", Path.GetFullPath(config.DataDir));
        Section(text, "CLUSTER MEMBERS");
        foreach (var (id, name, memberAddress) in config.ClusterMembers
            .Select(m => (Id: ReplicaIds.Hash(m.Key), Name: m.Key, Address: m.Value))
            .OrderBy(m => m.Id))
        {
            string self = id == replicaId ? " (this node)" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"\n    Node {id}: {name}={memberAddress}{self}");
        }
    }

    private static void Section(StringBuilder text, string title) => text.Append('\n').Append(title);

    private static void Field(StringBuilder text, string name, string value) =>
        text.Append(CultureInfo.InvariantCulture, $"\n  {name,-22}: {value}");

    private static string LevelName(Microsoft.Extensions.Logging.LogLevel level) => level switch
    {
        Microsoft.Extensions.Logging.LogLevel.Information => "info",
        Microsoft.Extensions.Logging.LogLevel.Warning => "warn",
        _ => level.ToString().ToLowerInvariant(),
    };

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
