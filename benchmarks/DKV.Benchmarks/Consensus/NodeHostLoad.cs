using System.Diagnostics;
using System.Globalization;
using DKV.Consensus.Host;
using DKV.Consensus.Peers;
using DKV.Consensus.Storage;
using DKV.Core.Consensus;
using DKV.Core.Stores;
using DKV.Engines.Maple;

namespace DKV.Benchmarks.Consensus;

/// <summary>
/// Load on three node hosts in one process with real fsync: writes then linearizable reads at a fixed concurrency.
/// <c>dotnet run -c Release --project benchmarks/DKV.Benchmarks -- host-load [--network loopback|tcp] [--seconds N]
/// [--inflight N] [--value-bytes N] [--target leader|all]</c>
/// </summary>
public static class NodeHostLoad
{
    public static async Task RunAsync(string[] args)
    {
        string network = Option(args, "--network", "tcp");
        int seconds = int.Parse(Option(args, "--seconds", "10"), CultureInfo.InvariantCulture);
        int inflight = int.Parse(Option(args, "--inflight", "50"), CultureInfo.InvariantCulture);
        int valueBytes = int.Parse(Option(args, "--value-bytes", "128"), CultureInfo.InvariantCulture);
        string target = Option(args, "--target", "all");
        string root = Path.Combine(Path.GetTempPath(), "dkv-host-load-" + Guid.NewGuid().ToString("N"));
        var members = Enumerable.Range(1, 3).Select(i => new ClusterMember($"node-{i}", (ulong)i, $"127.0.0.1:{FreePort()}")).ToList();
        var loopback = new Dictionary<ulong, LoopbackPeerNetwork>();
        var nodes = new List<IConsensusNode>();
        try
        {
            foreach (ClusterMember member in members)
            {
                Func<TcpPeerNetworkOptions, IPeerNetwork> create = network == "tcp"
                    ? CreateTcp
                    : o => new LoopbackPeerNetwork(o.LocalId, loopback);
                var factory = new RaftConsensusFactory(create, PhysicalWalFileSystem.Instance);
                nodes.Add(await factory.StartAsync(new ConsensusNodeOptions
                {
                    ReplicaName = member.Name,
                    Members = members,
                    DataDirectory = Path.Combine(root, member.Name),
                    GroupIds = [1],
                    Engines = new MapleEngineFactory(new MapleOptions()),
                    Rtt = TimeSpan.FromMilliseconds(50),
                    SnapshotEntries = 100_000,
                    CompactionOverhead = 5_000,
                }));
            }

            int leader = await WaitForLeaderAsync(nodes);
            IStore[] stores = target == "leader" ? [nodes[leader].GetStore(1)] : [.. nodes.Select(n => n.GetStore(1))];
            Console.WriteLine($"network={network} inflight={inflight} value={valueBytes} B target={target} leader=node-{leader + 1}");
            byte[] value = new byte[valueBytes];
            Random.Shared.NextBytes(value);
            await PhaseAsync("warm-up", stores, inflight, 2, (s, i) => s.SetAsync(Key(i), value).AsTask());
            await PhaseAsync("writes", stores, inflight, seconds, (s, i) => s.SetAsync(Key(i), value).AsTask());
            await PhaseAsync("reads", stores, inflight, seconds, (s, i) => s.GetAsync(Key(i)).AsTask());
        }
        finally
        {
            foreach (IConsensusNode node in nodes)
            {
                await node.DisposeAsync();
            }

            Directory.Delete(root, recursive: true);
        }
    }

    private static IPeerNetwork CreateTcp(TcpPeerNetworkOptions options) => new TcpPeerNetwork(options);

    private static string Key(long i) => "key-" + (i % 10_000).ToString(CultureInfo.InvariantCulture);

    private static async Task PhaseAsync(string name, IStore[] stores, int inflight, int seconds, Func<IStore, long, Task> operation)
    {
        var latencies = new List<long>[inflight];
        long errors = 0;
        var stop = Stopwatch.StartNew();
        long end = (long)(seconds * Stopwatch.Frequency);
        Task[] workers = [.. Enumerable.Range(0, inflight).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<long>(1 << 16);
            IStore store = stores[w % stores.Length];
            long i = w;
            while (stop.ElapsedTicks < end)
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    await operation(store, i);
                    mine.Add(Stopwatch.GetTimestamp() - start);
                }
                catch (Core.Errors.DkvException)
                {
                    Interlocked.Increment(ref errors);
                }

                i += inflight;
            }
        }))];
        await Task.WhenAll(workers);
        double elapsed = stop.Elapsed.TotalSeconds;
        long[] all = [.. latencies.SelectMany(l => l)];
        Array.Sort(all);
        double Ms(double q) => all.Length == 0 ? 0 : all[(int)Math.Min(all.Length - 1, q * all.Length)] * 1000.0 / Stopwatch.Frequency;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-8} {all.Length / elapsed,10:F0} ops/s  p50 {Ms(0.50):F2} ms  p99 {Ms(0.99):F2} ms  errors {errors}"));
    }

    private static async Task<int> WaitForLeaderAsync(List<IConsensusNode> nodes)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            for (int i = 0; i < nodes.Count; i++)
            {
                ReplicaStatus status = nodes[i].GetStatus(1);
                if (status.Role == "leader" && nodes.All(n => n.GetStatus(1).Leader == status.Replica))
                {
                    return i;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("no leader within 30 s");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }
}
