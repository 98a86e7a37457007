using System.Collections;
using DKV.Host.Config;
using Microsoft.Extensions.Logging;

namespace DKV.Host.Tests.Config;

[CancelAfter(30_000)]
public sealed class ServerConfigBinderTests
{
    private string _folder = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "dkv-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Bind_NoSources_UsefulSingleNodeDefaults()
    {
        var config = Bind(json: null, env: [], flags: []);

        Assert.Multiple(() =>
        {
            Assert.That(config.Shards, Is.EqualTo(new[] { new ShardSpec(100, ShardKind.LocalStore), new ShardSpec(200, ShardKind.LocalLockManager) }));
            Assert.That(config.Transport, Is.EqualTo("tcp"));
            Assert.That(config.Serializer, Is.EqualTo("binary"));
            Assert.That(config.Engine, Is.EqualTo("maple"));
            Assert.That(config.TransportOptions.Endpoint, Is.EqualTo("127.0.0.1:8080"));
            Assert.That(config.TransportOptions.SerializerName, Is.EqualTo("binary"));
            Assert.That(config.TransportOptions.TcpLinger, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(config.LogLevel, Is.EqualTo(LogLevel.Information));
            Assert.That(config.RequestTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
        });
    }

    [Test]
    public void Bind_AllThreeSources_LaterWinsPerSetting()
    {
        string json = WriteJson("""{ "transport-workers": 7, "log-level": "error", "timeout": 9, "shards": "1=lstore" }""");
        var config = Bind(json,
            env: new() { ["DKV_LOG_LEVEL"] = "warn", ["DKV_TIMEOUT"] = "3" },
            flags: new() { ["timeout"] = ["250ms"] });

        Assert.Multiple(() =>
        {
            Assert.That(config.TransportOptions.MaxInflightPerConnection, Is.EqualTo(7), "JSON only");
            Assert.That(config.Shards.Single().Id, Is.EqualTo(1UL), "JSON only");
            Assert.That(config.LogLevel, Is.EqualTo(LogLevel.Warning), "env beats JSON");
            Assert.That(config.RequestTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(250)), "flag beats env and JSON");
        });
    }

    [Test]
    public void Get_ReportsWinningOrigin()
    {
        string json = WriteJson("""{ "log-level": "error", "engine": "maple" }""");
        var sources = SettingsSources.Create(ServerSettings.All, json, new Hashtable { ["DKV_LOG_LEVEL"] = "warn" }, new Dictionary<string, IReadOnlyList<string>>());

        Assert.Multiple(() =>
        {
            Assert.That(sources.Get("log-level").Origin, Is.EqualTo("DKV_LOG_LEVEL"));
            Assert.That(sources.Get("engine").Origin, Is.EqualTo($"config file {json}"));
            Assert.That(sources.Get("shards").Origin, Is.EqualTo("default"));
        });
    }

    [Test]
    public void Bind_ShardsWithColonSeparator_Accepted()
    {
        var config = Bind(null, [], new() { ["shards"] = ["100:lstore, 200:lockmgr(lstore)"] });
        Assert.That(config.Shards.Select(s => s.ToString()), Is.EqualTo(new[] { "100=lstore", "200=lockmgr(lstore)" }));
    }

    [TestCase("100", "invalid shard format: 100 (expected ID=TYPE)")]
    [TestCase("abc=lstore", "invalid shard ID abc: not an unsigned 64-bit integer")]
    [TestCase("100=lstor", "invalid shard type: lstor (expected one of: dstore, lstore, lockmgr(dstore), lockmgr(lstore))")]
    [TestCase("100=lstore,100=lockmgr(lstore)", "duplicate shard ID 100 in --shards: 100=lstore,100=lockmgr(lstore) (each shard needs its own ID)")]
    [TestCase("200=dstore", "ReplicaId is required for remote shards")]
    public void Bind_BadShards_UpstreamMessage(string shards, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => Bind(null, [], new() { ["shards"] = [shards] }));
        Assert.That(ex!.Message, Is.EqualTo(message));
    }

    [Test]
    public void Bind_ClusterFlags_BindsMembersInOrderAndRaftSettings()
    {
        var config = Bind(null, new() { ["DKV_SNAPSHOT_ENTRIES"] = "0" }, new()
        {
            ["shards"] = ["100=dstore,200=lockmgr(dstore),300=lstore"],
            ["replica-id"] = ["node-2"],
            ["cluster-members"] = ["node-1=127.0.0.1:63001,node-2=127.0.0.1:63002,node-3=127.0.0.1:63003"],
            ["data-dir"] = ["data/node-2"],
            ["rtt-millisecond"] = ["50"],
            ["election-rtt-factor"] = ["20"],
            ["heartbeat-rtt-factor"] = ["3"],
            ["compaction-overhead"] = ["25000"],
        });

        Assert.Multiple(() =>
        {
            Assert.That(config.HasReplicatedShards, Is.True);
            Assert.That(config.ReplicaName, Is.EqualTo("node-2"));
            Assert.That(config.ClusterMembers.Select(m => $"{m.Key}={m.Value}"),
                Is.EqualTo(new[] { "node-1=127.0.0.1:63001", "node-2=127.0.0.1:63002", "node-3=127.0.0.1:63003" }));
            Assert.That(config.DataDir, Is.EqualTo("data/node-2"));
            Assert.That(config.RttMilliseconds, Is.EqualTo(50));
            Assert.That(config.ElectionRttFactor, Is.EqualTo(20));
            Assert.That(config.HeartbeatRttFactor, Is.EqualTo(3));
            Assert.That(config.SnapshotEntries, Is.Zero);
            Assert.That(config.CompactionOverhead, Is.EqualTo(25000));
        });
    }

    [TestCase("node-1=127.0.0.1:63001,node-2", "invalid cluster member format: node-2 (expected ID=address)")]
    [TestCase("node-1=a=b", "invalid cluster member format: node-1=a=b (expected ID=address)")]
    [TestCase("", "ClusterMembers is required for remote shards")]
    public void Bind_BadClusterMembers_UpstreamMessage(string members, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => Bind(null, [], new()
        {
            ["shards"] = ["100=lockmgr(dstore)"],
            ["replica-id"] = ["node-1"],
            ["cluster-members"] = [members],
        }));
        Assert.That(ex!.Message, Is.EqualTo(message));
    }

    [TestCase("node-1=127.0.0.1:63001,node-1=127.0.0.1:63002", "cluster member node-1 is listed twice in --cluster-members")]
    [TestCase("node-1=", "cluster member node-1 has no address in --cluster-members")]
    public void Bind_AmbiguousClusterMembers_NamesMemberAndFix(string members, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => Bind(null, [], new()
        {
            ["shards"] = ["100=dstore"],
            ["replica-id"] = ["node-1"],
            ["cluster-members"] = [members],
        }));
        Assert.That(ex!.Message, Does.StartWith(message));
    }

    [Test]
    public void Bind_LocalShardsOnly_ClusterFlagsIgnoredAsUpstream()
    {
        var config = Bind(null, [], new() { ["shards"] = ["100=lstore"], ["cluster-members"] = ["not a member list"] });

        Assert.Multiple(() =>
        {
            Assert.That(config.HasReplicatedShards, Is.False);
            Assert.That(config.ClusterMembers, Is.Empty);
        });
    }

    [Test]
    public void Bind_ReplicaNotInMembers_UpstreamMessageWithHashedId()
    {
        var ex = Assert.Throws<ConfigException>(() => Bind(null, [], new()
        {
            ["shards"] = ["200=dstore"],
            ["replica-id"] = ["node-1"],
            ["cluster-members"] = ["node-2=localhost:63002"],
        }));
        Assert.That(ex!.Message, Is.EqualTo("no address found for replica ID 16615728193742600643 in cluster members"));
    }

    [Test]
    public void Bind_InvalidLogLevel_ClearError()
    {
        var ex = Assert.Throws<ConfigException>(() => Bind(null, new() { ["DKV_LOG_LEVEL"] = "loud" }, []));
        Assert.That(ex!.Message, Is.EqualTo("invalid log level 'loud' (from DKV_LOG_LEVEL); expected one of: debug, info, warn, error"));
    }

    [TestCase("transport-workers", "abc")]
    [TestCase("transport-workers", "0")]
    [TestCase("timeout", "soon")]
    [TestCase("transport-read-buffer", "-1")]
    [TestCase("transport-tcp-nodelay", "maybe")]
    public void Bind_InvalidNumber_ErrorNamesSettingAndOrigin(string name, string value)
    {
        var ex = Assert.Throws<ConfigException>(() => Bind(null, [], new() { [name] = [value] }));
        Assert.That(ex!.Message, Does.StartWith($"invalid value '{value}' for --{name} (from --{name}); expected "));
    }

    [Test]
    public void Bind_UnknownJsonKey_Refused()
    {
        string json = WriteJson("""{ "transport-wokers": 7 }""");
        var ex = Assert.Throws<ConfigException>(() => Bind(json, [], []));
        Assert.That(ex!.Message, Does.Contain("unknown setting(s) 'transport-wokers'"));
    }

    [Test]
    public void Bind_BrokenJson_ReadableError()
    {
        string json = WriteJson("{ \"shards\": ");
        var ex = Assert.Throws<ConfigException>(() => Bind(json, [], []));
        Assert.That(ex!.Message, Does.StartWith($"cannot read config file {json}"));
    }

    [Test]
    public void Bind_PluginDirs_FromOneSourceOnly()
    {
        string json = WriteJson("""{ "plugins-dir": ["/a", "/b", "/c"] }""");
        var fromJson = Bind(json, [], []);
        var fromEnv = Bind(json, new() { ["DKV_PLUGINS_DIR"] = "/x,/y" }, []);
        var fromFlags = Bind(json, new() { ["DKV_PLUGINS_DIR"] = "/x,/y" }, new() { ["plugins-dir"] = ["/p"] });

        Assert.Multiple(() =>
        {
            Assert.That(fromJson.PluginDirectories, Is.EqualTo(new[] { "/a", "/b", "/c" }));
            Assert.That(fromEnv.PluginDirectories, Is.EqualTo(new[] { "/x", "/y" }));
            Assert.That(fromFlags.PluginDirectories, Is.EqualTo(new[] { "/p" }));
        });
    }

    [Test]
    public void Bind_RelativePluginDirInConfigFile_RelativeToTheFile()
    {
        string json = WriteJson("""{ "plugins-dir": "my-plugins" }""");
        var config = Bind(json, [], []);
        Assert.That(config.PluginDirectories, Is.EqualTo(new[] { Path.Combine(_folder, "my-plugins") }));
    }

    [Test]
    public void Bind_SwitchWithoutValue_True()
    {
        var config = Bind(null, new() { ["DKV_TRANSPORT_TCP_NODELAY"] = "false" }, new() { ["transport-tcp-nodelay"] = [] });
        Assert.That(config.TransportOptions.TcpNoDelay, Is.True);
    }

    [Test]
    public void Bind_UnixWithoutEndpoint_SocketInTempDirectory()
    {
        var config = Bind(null, [], new() { ["transport"] = ["unix"] });
        Assert.That(config.TransportOptions.Endpoint, Is.EqualTo(Path.Combine(Path.GetTempPath(), "dkv.sock")));
    }

    [Test]
    public void Bind_OtherTransportWithoutEndpoint_Required()
    {
        var ex = Assert.Throws<ConfigException>(() => Bind(null, [], new() { ["transport"] = ["zmq"] }));
        Assert.That(ex!.Message, Is.EqualTo("--transport-endpoint is required with --transport zmq"));
    }

    [Test]
    public void Bind_LingerMinusOne_SystemDefault()
    {
        var config = Bind(null, [], new() { ["transport-tcp-linger"] = ["-1"] });
        Assert.That(config.TransportOptions.TcpLinger, Is.Null);
    }

    private string WriteJson(string text)
    {
        string path = Path.Combine(_folder, "dkv.json");
        File.WriteAllText(path, text);
        return path;
    }

    private static ServerConfig Bind(string? json, Dictionary<string, string> env, Dictionary<string, IReadOnlyList<string>> flags)
    {
        var environment = new Hashtable();
        foreach (var (key, value) in env)
        {
            environment[key] = value;
        }

        return ServerConfigBinder.Bind(SettingsSources.Create(ServerSettings.All, json, environment, flags));
    }
}
