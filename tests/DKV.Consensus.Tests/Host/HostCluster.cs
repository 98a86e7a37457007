using DKV.Consensus.Host;
using DKV.Consensus.Peers;
using DKV.Consensus.Raft;
using DKV.Consensus.Storage;
using DKV.Core.Consensus;
using DKV.Core.Stores;
using DKV.Engines.Maple;
using DKV.Consensus.Tests.Peers;
using DKV.Testing.Consensus;

namespace DKV.Consensus.Tests.Host;

/// <summary>Replicas of one cluster as node hosts in this process: temp data dirs, an in-memory peer network, real fsync.</summary>
public sealed class HostCluster : IAsyncDisposable
{
    public const ulong Group = 1;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dkv-host-" + Guid.NewGuid().ToString("N"));
    private readonly IConsensusNode?[] _nodes;
    private readonly Func<ConsensusNodeOptions, ConsensusNodeOptions> _configure;

    private readonly PeerProxy[]? _proxies;

    private HostCluster(int size, Func<ConsensusNodeOptions, ConsensusNodeOptions>? configure, bool tcp)
    {
        _nodes = new IConsensusNode?[size];
        _configure = configure ?? (o => o);
        // Over TCP every replica listens on a free port and is reached through a proxy whose address is known up front.
        _proxies = tcp ? [.. Enumerable.Range(0, size).Select(_ => new PeerProxy())] : null;
        Members = [.. Enumerable.Range(1, size).Select(i => new ClusterMember(
            $"node-{i}", 1000 + (ulong)i, _proxies is null ? $"127.0.0.1:{7000 + i}" : _proxies[i - 1].Address))];
    }

    public LoopbackPeerHub Hub { get; } = new();

    public IReadOnlyList<ClusterMember> Members { get; }

    public int Size => _nodes.Length;

    /// <summary>Starts a cluster of <paramref name="size"/> replicas, of which the first <paramref name="running"/> are started.</summary>
    public static async Task<HostCluster> StartAsync(
        int size = 3, Func<ConsensusNodeOptions, ConsensusNodeOptions>? configure = null, int? running = null, bool tcp = false)
    {
        var cluster = new HostCluster(size, configure, tcp);
        try
        {
            for (int i = 0; i < (running ?? size); i++)
            {
                await cluster.StartNodeAsync(i);
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    public IConsensusNode Node(int index) => _nodes[index] ?? throw new InvalidOperationException($"node {index} is not running");

    public IStore Store(int index) => Node(index).GetStore(Group);

    public ulong IdOf(int index) => Members[index].Id;

    public ConsensusNodeOptions OptionsFor(int index) => _configure(new ConsensusNodeOptions
    {
        ReplicaName = Members[index].Name,
        Members = Members,
        DataDirectory = Path.Combine(_root, Members[index].Name),
        GroupIds = [Group],
        Engines = new MapleEngineFactory(new MapleOptions()),
        Rtt = TimeSpan.FromMilliseconds(20),
        ElectionRttFactor = 10,
        HeartbeatRttFactor = 1,
        SnapshotEntries = 0,
        RequestTimeout = TimeSpan.FromSeconds(10),
    });

    public async Task StartNodeAsync(int index)
    {
        if (_proxies is null)
        {
            var factory = new RaftConsensusFactory(o => Hub.Create(o.LocalId), PhysicalWalFileSystem.Instance);
            _nodes[index] = await factory.StartAsync(OptionsFor(index));
            return;
        }

        TcpPeerNetwork? network = null;
        var tcpFactory = new RaftConsensusFactory(o => network = new TcpPeerNetwork(o), PhysicalWalFileSystem.Instance);
        ConsensusNodeOptions options = OptionsFor(index);
        _nodes[index] = await tcpFactory.StartAsync(options with
        {
            Settings = new Dictionary<string, string>(options.Settings) { ["listen-address"] = "127.0.0.1:0" },
        });
        _proxies[index].Target = network!.BoundAddress;
    }

    public async Task StopNodeAsync(int index)
    {
        IConsensusNode? node = _nodes[index];
        _nodes[index] = null;
        if (node is not null)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>Waits until one running replica leads and every running replica follows it; returns its index.</summary>
    public async Task<int> WaitForLeaderAsync(TimeSpan timeout, int? excluding = null)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var running = Enumerable.Range(0, Size).Where(i => _nodes[i] is not null && i != excluding).ToList();
            Task[] changes = [.. running.Select(i => ((NodeHost)_nodes[i]!).GroupOf(Group).StateChanged)];
            int leader = running.FirstOrDefault(i => Node(i).GetStatus(Group).Role == "leader", -1);
            if (leader >= 0 && running.All(i => Node(i).GetStatus(Group).Leader == Members[leader].Name))
            {
                return leader;
            }

            try
            {
                await Task.WhenAny(changes).WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                string views = string.Join("; ", running.Select(i => $"{Members[i].Name}: {Node(i).GetStatus(Group)}"));
                throw new TimeoutException($"no agreed leader within {timeout}: {views}");
            }
        }
    }

    /// <summary>The core's status of a running replica's group.</summary>
    public RaftStatus RaftStatusOf(int index) => ((NodeHost)Node(index)).GroupOf(Group).Status.Status;

    public async ValueTask DisposeAsync()
    {
        for (int i = 0; i < _nodes.Length; i++)
        {
            await StopNodeAsync(i);
        }

        foreach (PeerProxy proxy in _proxies ?? [])
        {
            await proxy.DisposeAsync();
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
