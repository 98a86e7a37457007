using System.Text;
using DKV.Core.Consensus;
using DKV.Core.Plugins;
using DKV.Core.Rpc;
using DKV.Core.Serialization;
using DKV.Core.Transport;
using DKV.Host.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.Host.Tests.Consensus;

[CancelAfter(60_000)]
public sealed class ReplicatedServerTests
{
    private static readonly string s_plugins = Path.Combine(AppContext.BaseDirectory, "plugins");

    private static ServerConfig ClusterConfig(string shards = "100=dstore,200=lockmgr(dstore),300=lstore") => new()
    {
        PluginDirectories = [s_plugins],
        TransportOptions = new ServerTransportOptions { Endpoint = "127.0.0.1:0" },
        Shards = ShardSpec.ParseList(shards),
        ReplicaName = "node-2",
        ClusterMembers =
        [
            new("node-1", "127.0.0.1:63001"),
            new("node-2", "127.0.0.1:63002"),
            new("node-3", "127.0.0.1:63003"),
        ],
        DataDir = "data/node-2",
        RttMilliseconds = 20,
        ElectionRttFactor = 15,
        HeartbeatRttFactor = 3,
        SnapshotEntries = 1000,
        CompactionOverhead = 100,
        RequestTimeout = TimeSpan.FromSeconds(7),
        PluginSettings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["raft.max-inflight-messages"] = "64",
            ["RAFT.Peer-Queue"] = "128",
            ["resp-endpoint"] = "127.0.0.1:0",
        },
    };

    [Test]
    public async Task StartAsync_ReplicatedShards_StartsRaftWithClusterSettings()
    {
        var factory = new FakeConsensusFactory();
        var server = await DkvServer.StartAsync(ClusterConfig(), NullLoggerFactory.Instance, TimeProvider.System, s => AddRaft(s, factory), CancellationToken.None);
        await server.DisposeAsync();

        var options = factory.StartedWith!;
        Assert.Multiple(() =>
        {
            Assert.That(options.ReplicaName, Is.EqualTo("node-2"));
            Assert.That(options.Members, Is.EqualTo(new[]
            {
                new ClusterMember("node-1", 16615728193742600643, "127.0.0.1:63001"),
                new ClusterMember("node-2", 16615729293254228854, "127.0.0.1:63002"),
                new ClusterMember("node-3", 16615730392765857065, "127.0.0.1:63003"),
            }));
            Assert.That(options.GroupIds, Is.EqualTo(new ulong[] { 100, 200 }));
            Assert.That(options.DataDirectory, Is.EqualTo(Path.GetFullPath("data/node-2")));
            Assert.That(options.Rtt, Is.EqualTo(TimeSpan.FromMilliseconds(20)));
            Assert.That(options.ElectionRttFactor, Is.EqualTo(15));
            Assert.That(options.HeartbeatRttFactor, Is.EqualTo(3));
            Assert.That(options.SnapshotEntries, Is.EqualTo(1000));
            Assert.That(options.CompactionOverhead, Is.EqualTo(100));
            Assert.That(options.RequestTimeout, Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(options.Settings, Is.EquivalentTo(new Dictionary<string, string> { ["max-inflight-messages"] = "64", ["Peer-Queue"] = "128" }));
            Assert.That(options.Engines.Name, Is.EqualTo("maple"));
        });
    }

    [Test]
    public async Task StartAsync_ReplicatedShards_ServesGroupStoresAndLocksOverThem()
    {
        var factory = new FakeConsensusFactory();
        var server = await DkvServer.StartAsync(ClusterConfig(), NullLoggerFactory.Instance, TimeProvider.System, s => AddRaft(s, factory), CancellationToken.None);
        await using (server)
        {
            await using var client = await Client.ConnectAsync(server.BoundEndpoint);
            var store = new RemoteStore(client.Transport, client.Serializer, 100);
            await store.SetAsync("k", Encoding.UTF8.GetBytes("v"));
            var direct = await factory.Node!.GetStore(100).GetAsync("k");
            var locks = new RemoteLockManager(client.Transport, client.Serializer, 200);
            var first = await locks.AcquireLockAsync("l", TimeSpan.FromSeconds(30));
            var second = await locks.AcquireLockAsync("l", TimeSpan.FromSeconds(30));
            var lockDirect = await factory.Node.GetStore(200).HasAsync("l");
            var storeInfo = await store.GetDBInfoAsync();
            var lockInfo = await new RemoteStore(client.Transport, client.Serializer, 200).GetDBInfoAsync();

            Assert.Multiple(() =>
            {
                Assert.That(server.Consensus, Is.SameAs(factory.Node));
                Assert.That(Encoding.UTF8.GetString(direct.Value.Span), Is.EqualTo("v"));
                Assert.That(first.Acquired, Is.True);
                Assert.That(second.Acquired, Is.False);
                Assert.That(lockDirect, Is.True);
                Assert.That(storeInfo.Replication, Is.EqualTo(new Core.Stores.ReplicaStatus(100, "node-2", "leader", 1, "node-2", 7, 7, 1, 7, 512)));
                Assert.That(lockInfo.Replication!.GroupId, Is.EqualTo(200));
            });
        }
    }

    [Test]
    public async Task StopAsync_ReplicatedShards_StopsServingAndDisposesNode()
    {
        var factory = new FakeConsensusFactory();
        var server = await DkvServer.StartAsync(ClusterConfig("100=dstore"), NullLoggerFactory.Instance, TimeProvider.System, s => AddRaft(s, factory), CancellationToken.None);
        string endpoint = server.BoundEndpoint;
        await using var client = await Client.ConnectAsync(endpoint);
        var store = new RemoteStore(client.Transport, client.Serializer, 100);
        await store.SetAsync("before", Encoding.UTF8.GetBytes("v"));

        await server.StopAsync(TimeSpan.FromSeconds(5));
        var after = await Assert.CatchAsync(async () => await store.SetAsync("after", Encoding.UTF8.GetBytes("v")));

        Assert.Multiple(() =>
        {
            Assert.That(factory.Node!.IsDisposed, Is.True);
            Assert.That(after, Is.InstanceOf<Core.Errors.DkvException>(), "a request after stop must fail at the transport, never reach the disposed node");
        });
    }

    [Test]
    public async Task StartAsync_NoReplicatedShards_NoConsensusNode()
    {
        var factory = new FakeConsensusFactory();
        var config = new ServerConfig { PluginDirectories = [s_plugins], TransportOptions = new ServerTransportOptions { Endpoint = "127.0.0.1:0" } };
        var server = await DkvServer.StartAsync(config, NullLoggerFactory.Instance, TimeProvider.System, s => AddRaft(s, factory), CancellationToken.None);
        await server.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(server.Consensus, Is.Null);
            Assert.That(factory.StartedWith, Is.Null);
        });
    }

    [Test]
    public async Task StartAsync_ReplicatedShardsWithoutRaftPlugin_ConfigErrorListsLoaded()
    {
        // Every plugin folder but DKV.Consensus.
        var config = ClusterConfig() with
        {
            PluginDirectories = new[] { "DKV.Serializers", "DKV.Engines.Maple", "DKV.Transports.Sockets" }.Select(f => Path.Combine(s_plugins, f)).ToList(),
        };

        var ex = await Assert.ThrowsAsync<ConfigException>(() => DkvServer.StartAsync(config, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None));

        Assert.That(ex!.Message, Does.StartWith("shards 100=dstore, 200=lockmgr(dstore) need the consensus plugin 'raft': consensus 'raft' is not loaded; loaded: none"));
        Assert.That(ex.Message, Does.Contain("--plugins-dir"));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task RunAsync_ConsensusNodeFails_StopsTheServerWithExitCodeOne(CancellationToken cancellationToken)
    {
        var factory = new FakeConsensusFactory();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<int> running = ServerRunner.RunAsync(ClusterConfig(), NullLoggerFactory.Instance, _ => started.TrySetResult(), s => AddRaft(s, factory), cancellationToken);
        await started.Task.WaitAsync(cancellationToken);

        factory.Node!.Fail("commit index 41 is beyond the last log index 40");
        int exitCode = await running.WaitAsync(cancellationToken);

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(factory.Node.IsDisposed, Is.True, "the server stops in order, disposing the node");
    }

    private static void AddRaft(IServiceCollection services, FakeConsensusFactory factory) =>
        services.AddKeyedSingleton<IConsensusFactory>("raft", factory);

    /// <summary>A binary/tcp client over the test plugins.</summary>
    private sealed class Client : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        private Client(ServiceProvider services, IClientTransport transport, IRpcSerializer serializer)
        {
            _services = services;
            Transport = transport;
            Serializer = serializer;
        }

        public IClientTransport Transport { get; }

        public IRpcSerializer Serializer { get; }

        public static async Task<Client> ConnectAsync(string endpoint)
        {
            var collection = new ServiceCollection();
            var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [s_plugins] }).LoadAll(collection);
            var services = collection.BuildServiceProvider();
            var transport = catalog.Resolve<ITransportFactory>(services, "tcp")
                .CreateClient(new ClientTransportOptions { Endpoints = [endpoint], RequestTimeout = TimeSpan.FromSeconds(10) }, NullLoggerFactory.Instance);
            await transport.ConnectAsync(CancellationToken.None);
            return new Client(services, transport, catalog.Resolve<IRpcSerializer>(services, "binary"));
        }

        public async ValueTask DisposeAsync()
        {
            await Transport.DisposeAsync();
            await _services.DisposeAsync();
        }
    }
}
