using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DKV.Core.Errors;
using DKV.Core.Stores;
using DKV.EndToEnd.Tests.Infrastructure;
using DKV.Testing.Infrastructure;

namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>
/// N real <c>dkv serve</c> processes on loopback forming one cluster: each with its own client endpoint, peer port and data
/// directory, peer links optionally through test-controlled <see cref="TcpProxy"/>s (one per ordered pair). Disposing kills every
/// process, closes every proxy and deletes every folder, also when the test failed.
/// </summary>
/// <remarks>Control calls (start, kill, isolate) are meant for the test's own thread; status queries may run concurrently.</remarks>
internal sealed class ClusterHarness : IAsyncDisposable
{
    private static readonly TimeSpan s_statusTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(100);

    private readonly TempFolder _folder;
    private readonly Dictionary<(int From, int To), TcpProxy> _proxies = [];
    private readonly Dictionary<int, ClusterClient> _statusClients = [];
    private readonly Lock _statusGate = new();
    private readonly List<ClusterNode> _nodes = [];

    private ClusterHarness(ClusterOptions options, TempFolder folder)
    {
        Options = options;
        _folder = folder;
    }

    public ClusterOptions Options { get; }

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>The cluster's root folder (node data directories are below it).</summary>
    public string Folder => _folder.Path;

    /// <summary>Creates the folders, ports and proxies and starts every node at once; throws (after cleaning up) when one does not serve.</summary>
    public static async Task<ClusterHarness> StartAsync(ClusterOptions options)
    {
        options.Validate();
        var harness = new ClusterHarness(options, new TempFolder());
        try
        {
            harness.Create();
            await Task.WhenAll(harness._nodes.Select(node => node.StartAsync()));
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>The <c>--cluster-members</c> value node <paramref name="index"/> is started with.</summary>
    public string MembersFor(int index) => string.Join(',', _nodes.Select(node =>
    {
        IPEndPoint address = node.Index == index || !Options.UseProxies ? node.PeerEndpoint : _proxies[(index, node.Index)].Endpoint;
        return $"{node.Name}={address}";
    }));

    /// <summary>
    /// Cuts every peer link into and out of <paramref name="node"/> (open connections dropped, new ones handled per <paramref name="mode"/>).
    /// Its clients still reach it.
    /// </summary>
    public void Isolate(ClusterNode node, ProxyMode mode = ProxyMode.Refuse)
    {
        RequireProxies();
        foreach (var ((from, to), proxy) in _proxies)
        {
            if (from == node.Index || to == node.Index)
            {
                proxy.SetMode(mode);
            }
        }
    }

    /// <summary>Restores every peer link.</summary>
    public void Heal()
    {
        RequireProxies();
        foreach (var proxy in _proxies.Values)
        {
            proxy.SetMode(ProxyMode.Forward);
        }
    }

    /// <summary>The proxy node <paramref name="from"/> dials to reach node <paramref name="to"/>.</summary>
    public TcpProxy Proxy(int from, int to)
    {
        RequireProxies();
        return _proxies[(from, to)];
    }

    /// <summary>What <paramref name="node"/> reports about <paramref name="shard"/>'s group; null when it is down, paused, or does not answer in time.</summary>
    public async Task<ReplicaStatus?> StatusAsync(ClusterNode node, ulong shard = ClusterOptions.StoreShard)
    {
        if (!node.IsRunning || node.IsPaused)
        {
            return null;
        }

        try
        {
            ClusterClient client = await StatusClientAsync(node);
            StoreInfo info = await client.Store(shard).GetDBInfoAsync();
            return info.Replication;
        }
        catch (Exception ex) when (ex is DkvException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Waits until a running node reports itself leader of <paramref name="shard"/> with a term no other answering node exceeds,
    /// and returns it. <paramref name="notThis"/> excludes a node (the old leader). Throws with every node's status and log tail at the deadline.
    /// </summary>
    public async Task<ClusterNode> WaitForLeaderAsync(ulong shard = ClusterOptions.StoreShard, ClusterNode? notThis = null, TimeSpan? deadline = null)
    {
        var limit = deadline ?? Options.LeaderDeadline;
        using var timeout = new CancellationTokenSource(limit);
        string last = "no node answered";
        while (true)
        {
            var statuses = await Task.WhenAll(_nodes.Select(node => StatusAsync(node, shard)));
            ulong highestTerm = statuses.Max(s => s?.Term ?? 0);
            for (int i = 0; i < _nodes.Count; i++)
            {
                if (statuses[i] is { Role: "leader" } status && status.Term == highestTerm && _nodes[i] != notThis)
                {
                    return _nodes[i];
                }
            }

            last = string.Join("; ", _nodes.Select((node, i) => $"{node.Name}: {Describe(statuses[i])}"));
            try
            {
                await Task.Delay(s_pollInterval, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no leader for shard {shard}{(notThis is null ? string.Empty : $" other than {notThis.Name}")} within {limit}; {last}\n{Tails()}");
            }
        }
    }

    /// <summary>Every node's log tail, for failure messages.</summary>
    public string Tails(int lines = 40) => string.Join('\n', _nodes.Select(node => node.Tail(lines)));

    public async ValueTask DisposeAsync()
    {
        var errors = new List<Exception>();
        List<ClusterClient> clients;
        lock (_statusGate)
        {
            clients = [.. _statusClients.Values];
            _statusClients.Clear();
        }

        foreach (var client in clients)
        {
            await Try(() => client.DisposeAsync().AsTask(), errors);
        }

        foreach (var node in _nodes)
        {
            await Try(() => node.DisposeAsync().AsTask(), errors);
        }

        foreach (var proxy in _proxies.Values)
        {
            await Try(() => proxy.DisposeAsync().AsTask(), errors);
        }

        await Try(() => Task.Run(_folder.Dispose), errors);
        if (errors.Count > 0)
        {
            throw new AggregateException("cluster cleanup failed", errors);
        }
    }

    private static string Describe(ReplicaStatus? status) =>
        status is null ? "no answer" : $"{status.Role} term {status.Term} leader {status.Leader ?? "-"} commit {status.CommitIndex} applied {status.AppliedIndex}";

    private static async Task Try(Func<Task> action, List<Exception> errors)
    {
        try
        {
            await action();
        }
        catch (Exception ex)
        {
            errors.Add(ex);
        }
    }

    private void Create()
    {
        for (int i = 0; i < Options.NodeCount; i++)
        {
            int index = i;
            string name = "node-" + (i + 1).ToString(CultureInfo.InvariantCulture);
            string data = Path.Combine(_folder.Path, name);
            Directory.CreateDirectory(data);
            _nodes.Add(new ClusterNode(index, name, LoopbackPorts.Reserve(), data, () => ArgumentsFor(index)));
        }

        if (Options.UseProxies)
        {
            foreach (var from in _nodes)
            {
                foreach (var to in _nodes.Where(n => n != from))
                {
                    _proxies[(from.Index, to.Index)] = new TcpProxy(to.PeerEndpoint);
                }
            }
        }
    }

    private List<string> ArgumentsFor(int index)
    {
        var node = _nodes[index];
        var args = new List<string>
        {
            "--shards", Options.Shards,
            "--replica-id", node.Name,
            "--cluster-members", MembersFor(index),
            "--data-dir", node.DataDirectory,
            "--rtt-millisecond", Options.RttMilliseconds.ToString(CultureInfo.InvariantCulture),
        };
        if (Options.SnapshotEntries is int entries)
        {
            args.AddRange(["--snapshot-entries", entries.ToString(CultureInfo.InvariantCulture)]);
        }

        if (Options.CompactionOverhead is int overhead)
        {
            args.AddRange(["--compaction-overhead", overhead.ToString(CultureInfo.InvariantCulture)]);
        }

        args.AddRange(Options.ExtraArguments);
        return args;
    }

    private async Task<ClusterClient> StatusClientAsync(ClusterNode node)
    {
        lock (_statusGate)
        {
            if (_statusClients.TryGetValue(node.Index, out var existing) && existing.Endpoint == node.ClientEndpoint)
            {
                return existing;
            }
        }

        var client = await ClusterClient.ConnectAsync(node.ClientEndpoint, s_statusTimeout, connectDeadline: s_statusTimeout);
        ClusterClient? replaced = null;
        lock (_statusGate)
        {
            if (_statusClients.TryGetValue(node.Index, out var raced))
            {
                replaced = client;
                client = raced;
            }
            else
            {
                _statusClients[node.Index] = client;
            }
        }

        if (replaced is not null)
        {
            await replaced.DisposeAsync();
        }

        return client;
    }

    private void RequireProxies()
    {
        if (!Options.UseProxies)
        {
            throw new InvalidOperationException("this cluster was started with ClusterOptions.UseProxies = false; start it with proxies to cut links");
        }
    }
}
