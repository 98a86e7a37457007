using DKV.Host.Config;

namespace DKV.Cli.Commands;

/// <summary>The flags shared by the kv and lock commands (upstream's client flags, plus --endpoints, --output and --plugins-dir).</summary>
public static class ClientSettings
{
    public const string Shard = "shard";
    public const string Endpoints = "endpoints";
    public const string Transport = "transport";
    public const string Serializer = "serializer";
    public const string Timeout = "timeout";
    public const string Output = "output";
    public const string PluginsDir = "plugins-dir";
    public const string ConnectionsPerEndpoint = "transport-conn-per-endpoint";
    public const string Retries = "transport-retries";
    public const string WriteBuffer = "transport-write-buffer";
    public const string ReadBuffer = "transport-read-buffer";
    public const string TcpNoDelay = "transport-tcp-nodelay";
    public const string TcpKeepAlive = "transport-tcp-keepalive";
    public const string TcpLinger = "transport-tcp-linger";

    /// <summary>Extra spellings: <c>--transport-endpoints</c> (upstream's name) for <c>--endpoints</c>.</summary>
    public static IReadOnlyDictionary<string, string[]> Aliases { get; } =
        new Dictionary<string, string[]> { [Endpoints] = ["--transport-endpoints"] };

    /// <summary>The client settings, with <paramref name="defaultShard"/> as the default of <c>--shard</c> (kv 100, lock 200).</summary>
    public static IReadOnlyList<SettingDefinition> For(ulong defaultShard) =>
    [
        new(Shard, defaultShard.ToString(System.Globalization.CultureInfo.InvariantCulture), "Shard id to address"),
        new(Endpoints, "127.0.0.1:8080 (tcp), $TMPDIR/dkv.sock (unix)", "Server endpoints, comma-separated; requests are spread round robin (tcp: host:port, unix: socket path) [alias: --transport-endpoints, DKV_TRANSPORT_ENDPOINTS]"),
        new(Transport, "tcp", "Transport, by plugin name (tcp, unix)"),
        new(Serializer, "binary", "Serializer, by plugin name; must match the server's"),
        new(Timeout, "10", "Deadline per request, in seconds or a duration such as 500ms"),
        new(Output, "text", "Output format: text (upstream's lines) or json (one object per command)"),
        new(PluginsDir, "plugins/ beside dkv", "A directory of plugin folders, or one plugin folder; may repeat", IsList: true),
        new(ConnectionsPerEndpoint, "1", "Connections opened per endpoint"),
        new(Retries, "3", "Attempts per request where a retry is safe (reads, lock acquire/refresh)"),
        new(WriteBuffer, "512", "Socket send buffer, in KB"),
        new(ReadBuffer, "512", "Socket receive buffer, in KB"),
        new(TcpNoDelay, "true", "Disable Nagle's algorithm", IsSwitch: true),
        new(TcpKeepAlive, "0", "TCP keep-alive idle time, in seconds or a duration; 0 turns keep-alive off"),
        new(TcpLinger, "-1", "SO_LINGER on close, in seconds or a duration; -1 keeps the system default"),
    ];

    /// <summary>The default endpoint for a transport when none is configured; null when the transport has none.</summary>
    public static string? DefaultEndpoint(string transport) => ServerSettings.DefaultEndpoint(transport);
}
