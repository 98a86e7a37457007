namespace DKV.Host.Config;

/// <summary>
/// Every <c>dkv serve</c> setting: flag name, default and help. The names, defaults and units follow upstream dKV
/// (docs/cli.md lists where they differ). One table feeds the CLI's options, the JSON keys and the environment names.
/// </summary>
public static class ServerSettings
{
    public const string Config = "config";
    public const string Shards = "shards";
    public const string Engine = "engine";
    public const string Serializer = "serializer";
    public const string Transport = "transport";
    public const string Endpoint = "transport-endpoint";
    public const string Workers = "transport-workers";
    public const string WriteBuffer = "transport-write-buffer";
    public const string ReadBuffer = "transport-read-buffer";
    public const string MaxFrame = "transport-max-frame";
    public const string TcpNoDelay = "transport-tcp-nodelay";
    public const string TcpKeepAlive = "transport-tcp-keepalive";
    public const string TcpLinger = "transport-tcp-linger";
    public const string Timeout = "timeout";
    public const string ShutdownTimeout = "shutdown-timeout";
    public const string LogLevel = "log-level";
    public const string PluginsDir = "plugins-dir";
    public const string DataDir = "data-dir";
    public const string PluginSetting = "plugin-setting";
    public const string RespEndpoint = "resp-endpoint";
    public const string RespShard = "resp-shard";
    public const string ReplicaId = "replica-id";
    public const string ClusterMembers = "cluster-members";
    public const string RttMillisecond = "rtt-millisecond";
    public const string ElectionRttFactor = "election-rtt-factor";
    public const string HeartbeatRttFactor = "heartbeat-rtt-factor";
    public const string SnapshotEntries = "snapshot-entries";
    public const string CompactionOverhead = "compaction-overhead";
    public const string BufferPoolSize = "buffer-pool-size";

    /// <summary>
    /// The endpoint used when none is configured: <c>127.0.0.1:8080</c> for tcp, <c>$TMPDIR/dkv.sock</c> for unix, null for a
    /// transport without a sensible default (then the endpoint must be given). The client commands use the same defaults.
    /// </summary>
    public static string? DefaultEndpoint(string transport) => transport switch
    {
        "tcp" => "127.0.0.1:8080",
        "unix" => Path.Combine(Path.GetTempPath(), "dkv.sock"),
        _ => null,
    };

    /// <summary>The settings a JSON config file, the environment and the command line may set, in help order.</summary>
    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        new(Shards, "100=lstore,200=lockmgr(lstore)", "Shards to serve, comma-separated ID=TYPE (or ID:TYPE); TYPE is lstore, lockmgr(lstore), dstore or lockmgr(dstore)"),
        new(Engine, "maple", "Engine for every lstore shard, by plugin name"),
        new(Serializer, "binary", "Serializer the clients must use, by plugin name"),
        new(Transport, "tcp", "Transport to listen on, by plugin name (tcp, unix)"),
        new(Endpoint, "127.0.0.1:8080 (tcp), $TMPDIR/dkv.sock (unix)", "Where to listen: host:port for tcp (port 0 picks a free one), a socket path for unix"),
        new(Workers, "100", "Requests in flight per connection before the server stops reading from it"),
        new(WriteBuffer, "512", "Socket send buffer, in KB"),
        new(ReadBuffer, "512", "Socket receive buffer, in KB"),
        new(MaxFrame, "16384", "Largest request or response frame accepted, in KB; checked before anything is allocated"),
        new(TcpNoDelay, "true", "Disable Nagle's algorithm on tcp connections", IsSwitch: true),
        new(TcpKeepAlive, "60", "TCP keep-alive idle time, in seconds or a duration such as 30s; 0 turns keep-alive off"),
        new(TcpLinger, "10", "SO_LINGER on close, in seconds or a duration; -1 keeps the system default"),
        new(Timeout, "5", "Deadline for one request on the server, in seconds or a duration such as 500ms"),
        new(ShutdownTimeout, "10s", "On SIGINT/SIGTERM, how long in-flight requests may take to finish before connections close"),
        new(LogLevel, "info", "Log level: debug, info, warn or error"),
        new(PluginsDir, "plugins/ beside dkv", "A directory of plugin folders, or one plugin folder; may repeat (comma-separated in DKV_PLUGINS_DIR)", IsList: true),
        new(PluginSetting, null, "A setting for a plugin's server extension, name=value (for example resp-endpoint=127.0.0.1:6380); may repeat", IsList: true),
        new(RespEndpoint, null, "Where the RESP (Redis protocol) plugin listens, host:port; unset leaves it off (same as --plugin-setting resp-endpoint=...)"),
        new(RespShard, "100", "The shard the RESP plugin serves (same as --plugin-setting resp-shard=...)"),
        new(DataDir, "data", "Directory for Raft logs and snapshots (dstore shards)"),
        new(ReplicaId, null, "This node's name in --cluster-members (dstore shards)"),
        new(ClusterMembers, null, "All Raft members, comma-separated name=host:port (dstore shards)"),
        new(RttMillisecond, "100", "Raft: round-trip time between nodes, in milliseconds (one tick)"),
        new(ElectionRttFactor, "10", "Raft: election timeout, in ticks"),
        new(HeartbeatRttFactor, "2", "Raft: heartbeat interval, in ticks"),
        new(SnapshotEntries, "100000", "Raft: entries between automatic snapshots; 0 turns them off"),
        new(CompactionOverhead, "5000", "Raft: entries kept after log compaction"),
        new(BufferPoolSize, "64", "Accepted for compatibility with upstream dKV (which never read it); has no effect"),
    ];
}
