using DKV.Core.Transport;

namespace DKV.Host.Config;

/// <summary>
/// Reads a <see cref="ServerConfig"/> from <see cref="SettingsSources"/> and validates it. Every failure is a
/// <see cref="ConfigException"/> that names the setting, where its value came from and what is expected; shard and cluster
/// messages are upstream dKV's exact strings.
/// </summary>
public static class ServerConfigBinder
{
    private const long KiB = 1024;

    public static ServerConfig Bind(SettingsSources sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var shards = ShardSpec.ParseList(SettingParser.Text(sources.Get(ServerSettings.Shards)));
        var (members, replicaName) = BindCluster(sources, shards);
        string serializer = SettingParser.Text(sources.Get(ServerSettings.Serializer));
        string transport = SettingParser.Text(sources.Get(ServerSettings.Transport));
        var config = new ServerConfig
        {
            Shards = shards,
            Engine = SettingParser.Text(sources.Get(ServerSettings.Engine)),
            Serializer = serializer,
            Transport = transport,
            TransportOptions = BindTransport(sources, transport, serializer),
            RequestTimeout = SettingParser.Duration(sources.Get(ServerSettings.Timeout), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1)),
            ShutdownTimeout = SettingParser.Duration(sources.Get(ServerSettings.ShutdownTimeout), TimeSpan.FromSeconds(1), TimeSpan.Zero),
            LogLevel = SettingParser.LogLevel(sources.Get(ServerSettings.LogLevel)),
            PluginDirectories = BindPluginDirectories(sources),
            PluginSettings = BindPluginSettings(sources),
            DataDir = SettingParser.Text(sources.Get(ServerSettings.DataDir)),
            ReplicaName = replicaName,
            ClusterMembers = members,
            RttMilliseconds = (int)SettingParser.Integer(sources.Get(ServerSettings.RttMillisecond), 1, 60_000),
            ElectionRttFactor = (int)SettingParser.Integer(sources.Get(ServerSettings.ElectionRttFactor), 1, 10_000),
            HeartbeatRttFactor = (int)SettingParser.Integer(sources.Get(ServerSettings.HeartbeatRttFactor), 1, 10_000),
            SnapshotEntries = SettingParser.Integer(sources.Get(ServerSettings.SnapshotEntries), 0, long.MaxValue),
            CompactionOverhead = SettingParser.Integer(sources.Get(ServerSettings.CompactionOverhead), 0, long.MaxValue),
        };
        _ = SettingParser.Integer(sources.Get(ServerSettings.BufferPoolSize), 0, int.MaxValue);
        if (config.ElectionRttFactor <= 2 * config.HeartbeatRttFactor)
        {
            throw new ConfigException(
                $"--election-rtt-factor ({config.ElectionRttFactor}) must be more than twice --heartbeat-rtt-factor ({config.HeartbeatRttFactor})");
        }

        if (config.HasReplicatedShards && string.IsNullOrWhiteSpace(config.DataDir))
        {
            throw new ConfigException("--data-dir is empty; remote shards need a directory for the Raft log and snapshots, for example --data-dir data/node-1");
        }

        return config;
    }

    private static ServerTransportOptions BindTransport(SettingsSources sources, string transport, string serializer)
    {
        var linger = sources.Get(ServerSettings.TcpLinger);
        var endpoint = sources.Get(ServerSettings.Endpoint);
        var options = new ServerTransportOptions
        {
            Endpoint = endpoint.Origin != "default"
                ? SettingParser.Text(endpoint)
                : ServerSettings.DefaultEndpoint(transport) ?? throw new ConfigException($"--transport-endpoint is required with --transport {transport}"),
            SerializerName = serializer,
            MaxInflightPerConnection = (int)SettingParser.Integer(sources.Get(ServerSettings.Workers), 1, 1_000_000),
            WriteBufferBytes = (int)(SettingParser.Integer(sources.Get(ServerSettings.WriteBuffer), 1, 1024 * 1024) * KiB),
            ReadBufferBytes = (int)(SettingParser.Integer(sources.Get(ServerSettings.ReadBuffer), 1, 1024 * 1024) * KiB),
            MaxFrameBytes = (int)(SettingParser.Integer(sources.Get(ServerSettings.MaxFrame), 1, 1024 * 1024) * KiB),
            TcpNoDelay = SettingParser.Boolean(sources.Get(ServerSettings.TcpNoDelay)),
            TcpKeepAlive = SettingParser.Duration(sources.Get(ServerSettings.TcpKeepAlive), TimeSpan.FromSeconds(1), TimeSpan.Zero),
            TcpLinger = linger.Value?.Trim() == "-1"
                ? null
                : SettingParser.Duration(linger, TimeSpan.FromSeconds(1), TimeSpan.Zero),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ConfigException($"invalid transport settings: {ex.Message}", ex);
        }

        return options;
    }

    private static List<string> BindPluginDirectories(SettingsSources sources)
    {
        var (values, origin) = sources.GetList(ServerSettings.PluginsDir);
        if (origin == "default")
        {
            return [Core.Plugins.PluginLoaderOptions.DefaultDirectory];
        }

        // Paths in a config file are relative to the file, so a config can sit beside the plugins it names.
        string baseDirectory = sources.FromJsonFile(origin) ? Path.GetDirectoryName(sources.JsonFile)! : Directory.GetCurrentDirectory();
        return values.Select(v => Path.GetFullPath(v, baseDirectory)).ToList();
    }

    private static Dictionary<string, string> BindPluginSettings(SettingsSources sources)
    {
        var (values, origin) = sources.GetList(ServerSettings.PluginSetting);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string entry in values)
        {
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ConfigException(
                    $"plugin setting '{entry}' (from {origin}) is not name=value; write for example resp-endpoint=127.0.0.1:6380");
            }

            settings[entry[..equals].Trim()] = entry[(equals + 1)..].Trim();
        }

        // First-class flags for the bundled RESP plugin are shorthands for plugin settings; given explicitly, they win.
        foreach (string name in new[] { ServerSettings.RespEndpoint, ServerSettings.RespShard })
        {
            Setting setting = sources.Get(name);
            bool isDefault = setting.Origin == "default";
            if (!string.IsNullOrWhiteSpace(setting.Value) && (!isDefault || !settings.ContainsKey(name)))
            {
                settings[name] = setting.Value.Trim();
            }
        }

        return settings;
    }

    private static (IReadOnlyList<KeyValuePair<string, string>> Members, string ReplicaName) BindCluster(
        SettingsSources sources, IReadOnlyList<ShardSpec> shards)
    {
        string replicaName = sources.Get(ServerSettings.ReplicaId).Value ?? string.Empty;
        string membersText = sources.Get(ServerSettings.ClusterMembers).Value ?? string.Empty;
        var members = new List<KeyValuePair<string, string>>();
        if (!shards.Any(s => s.IsReplicated))
        {
            return (members, replicaName);
        }

        if (string.IsNullOrEmpty(replicaName))
        {
            throw new ConfigException("ReplicaId is required for remote shards");
        }

        if (membersText.Length > 0)
        {
            foreach (string member in membersText.Split(','))
            {
                string[] parts = member.Split('=');
                if (parts.Length != 2)
                {
                    throw new ConfigException($"invalid cluster member format: {member} (expected ID=address)");
                }

                if (members.Any(m => m.Key == parts[0]))
                {
                    throw new ConfigException($"cluster member {parts[0]} is listed twice in --cluster-members: {membersText} (give each member once)");
                }

                if (string.IsNullOrWhiteSpace(parts[1]))
                {
                    throw new ConfigException($"cluster member {parts[0]} has no address in --cluster-members: {membersText} (expected {parts[0]}=host:port)");
                }

                members.Add(new KeyValuePair<string, string>(parts[0], parts[1]));
            }
        }

        if (members.Count == 0)
        {
            throw new ConfigException("ClusterMembers is required for remote shards");
        }

        if (!members.Any(m => m.Key == replicaName))
        {
            throw new ConfigException($"no address found for replica ID {ReplicaIds.Hash(replicaName)} in cluster members");
        }

        return (members, replicaName);
    }
}
