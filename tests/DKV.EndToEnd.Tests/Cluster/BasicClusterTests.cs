using System.Text;
using System.Text.Json;
using DKV.Core.Errors;
using DKV.EndToEnd.Tests.Cluster.Infrastructure;
using DKV.EndToEnd.Tests.Infrastructure;

namespace DKV.EndToEnd.Tests.Cluster;

/// <summary>
/// Real <c>dkv serve</c> clusters on loopback through the client API and the CLI: every node serves linearizable reads and
/// writes of the replicated store, a restarted node keeps its state, lockmgr(dstore) locks hold across nodes, and
/// <c>dkv cluster status</c> shows the one leader.
/// </summary>
/// <remarks>
/// On two busy cores a leader can lose its lease between any two requests, so idempotent writes (a set of a fixed value, an acquire
/// with a fixed owner id) are retried while the cluster answers "not leader", "unavailable", "timeout" or "connection lost"; a
/// release is retried only when it was definitely not applied. A real loss still fails the test: the value read back is wrong.
/// </remarks>
[CancelAfter(240_000)]
public sealed class BasicClusterTests
{
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_retryDeadline = TimeSpan.FromSeconds(60);
    private static readonly ClusterOptions s_direct = new() { UseProxies = false, RttMilliseconds = 50 };

    [TestCase(3)]
    [TestCase(5)]
    public async Task WriteOnAnyNode_ReadBackFromEveryNode(int nodes)
    {
        await using var cluster = await ClusterHarness.StartAsync(s_direct with { NodeCount = nodes });
        await cluster.WaitForLeaderAsync();
        var clients = await ConnectAllAsync(cluster);
        try
        {
            for (int writer = 0; writer < nodes; writer++)
            {
                var store = clients[writer].Store(ClusterOptions.StoreShard);
                await RetryAsync(() => store.SetAsync($"key-{writer}", Bytes($"from node-{writer + 1}")).AsTask());
            }

            for (int reader = 0; reader < nodes; reader++)
            {
                for (int writer = 0; writer < nodes; writer++)
                {
                    var read = await clients[reader].Store(ClusterOptions.StoreShard).GetAsync($"key-{writer}");
                    Assert.That(read.Found ? Encoding.UTF8.GetString(read.Value.Span) : "<missing>", Is.EqualTo($"from node-{writer + 1}"),
                        $"key-{writer} written on node-{writer + 1}, read on node-{reader + 1}\n{cluster.Tails()}");
                }
            }
        }
        finally
        {
            await DisposeAllAsync(clients);
        }
    }

    [Test]
    public async Task RestartedNode_SameDataDirectory_RejoinsWithItsState()
    {
        await using var cluster = await ClusterHarness.StartAsync(s_direct);
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);
        await using (var client = await ClusterClient.ConnectAsync(leader.ClientEndpoint, s_requestTimeout))
        {
            var store = client.Store(ClusterOptions.StoreShard);
            await RetryAsync(() => store.SetAsync("before", Bytes("1")).AsTask());
            await follower.KillAsync();
            await RetryAsync(() => store.SetAsync("while-down", Bytes("2")).AsTask());
        }

        await follower.StartAsync();
        await AssertReadsAsync(cluster, follower, ("before", "1"), ("while-down", "2"));

        // Every node down at once: whatever the cluster knows now can only come back from the data directories.
        foreach (var node in cluster.Nodes)
        {
            await node.KillAsync();
        }

        await Task.WhenAll(cluster.Nodes.Select(n => n.StartAsync()));
        await cluster.WaitForLeaderAsync();
        foreach (var node in cluster.Nodes)
        {
            await AssertReadsAsync(cluster, node, ("before", "1"), ("while-down", "2"));
        }
    }

    [Test]
    public async Task LockmgrDstore_AcquireOnNode1_BlocksAcquireOnNode2UntilReleased()
    {
        await using var cluster = await ClusterHarness.StartAsync(s_direct);
        await cluster.WaitForLeaderAsync(ClusterOptions.LockShard);
        await using var first = await ClusterClient.ConnectAsync(cluster.Nodes[0].ClientEndpoint, s_requestTimeout);
        await using var second = await ClusterClient.ConnectAsync(cluster.Nodes[1].ClientEndpoint, s_requestTimeout);
        var locksOn1 = first.Locks(ClusterOptions.LockShard);
        var locksOn2 = second.Locks(ClusterOptions.LockShard);

        byte[] owner1 = Bytes("owner-on-node-1");
        byte[] owner2 = Bytes("owner-on-node-2");

        var held = await RetryAsync(() => locksOn1.AcquireLockAsync("job", TimeSpan.FromMinutes(1), owner1).AsTask());
        var blocked = await RetryAsync(() => locksOn2.AcquireLockAsync("job", TimeSpan.FromMinutes(1), owner2).AsTask());
        bool released = await RetryAsync(() => locksOn1.ReleaseLockAsync("job", owner1).AsTask(), onlyDefinitelyNotApplied: true);
        var next = await RetryAsync(() => locksOn2.AcquireLockAsync("job", TimeSpan.FromMinutes(1), owner2).AsTask());

        Assert.Multiple(() =>
        {
            Assert.That(held.Acquired, Is.True, cluster.Tails());
            Assert.That(blocked.Acquired, Is.False, "a lock held through node-1 must not be granted through node-2");
            Assert.That(released, Is.True);
            Assert.That(next.Acquired, Is.True);
            Assert.That(next.FencingToken, Is.GreaterThan(held.FencingToken), "fencing tokens increase across holders and nodes");
        });
    }

    [Test]
    public async Task ClusterStatus_ThreeNodes_OneLeaderEveryNodeAgreesOn()
    {
        await using var cluster = await ClusterHarness.StartAsync(s_direct);
        var leader = await cluster.WaitForLeaderAsync();
        await cluster.WaitForLeaderAsync(ClusterOptions.LockShard);
        await using (var client = await ClusterClient.ConnectAsync(leader.ClientEndpoint, s_requestTimeout))
        {
            var store = client.Store(ClusterOptions.StoreShard);
            await RetryAsync(() => store.SetAsync("k", Bytes("v")).AsTask());
        }

        string endpoints = string.Join(',', cluster.Nodes.Select(n => n.ClientEndpoint));
        CliResult json;
        for (int attempt = 1; ; attempt++)
        {
            // A follower learns the leader from its first heartbeat; and a busy machine may move leadership between two looks.
            await WaitForAgreementAsync(cluster);
            json = await DkvCli.RunAsync("cluster", "status", "--endpoints", endpoints, "--output", "json");
            if (json.ExitCode != 0 || attempt == 3 || AllNameOneLeader(json.Stdout))
            {
                break;
            }
        }

        var text = await DkvCli.RunAsync("cluster", "status", "--endpoints", endpoints, "--shard", "100");

        Assert.That(json.ExitCode, Is.Zero, json.ToString());
        using var document = JsonDocument.Parse(json.Stdout);
        var shards = document.RootElement.GetProperty("shards").EnumerateArray().ToList();
        Assert.That(shards.Select(s => (s.GetProperty("id").GetUInt64(), s.GetProperty("kind").GetString())),
            Is.EqualTo(new[] { (100UL, "dstore"), (200UL, "lockmgr(dstore)") }));
        foreach (var shard in shards)
        {
            var nodes = shard.GetProperty("nodes").EnumerateArray().ToList();
            var leaders = nodes.Where(n => n.GetProperty("role").GetString() == "leader").Select(n => n.GetProperty("replica").GetString()).ToList();
            var known = nodes.Select(n => n.GetProperty("leader").GetString()).Distinct().ToList();
            Assert.That(nodes, Has.Count.EqualTo(3), json.Stdout);
            Assert.That(leaders, Has.Count.EqualTo(1), json.Stdout);
            Assert.That(known, Is.EqualTo(leaders), $"every node names the leader: {json.Stdout}");
            Assert.That(nodes.All(n => n.GetProperty("commitIndex").GetUInt64() > 0), Is.True, json.Stdout);
        }

        Assert.Multiple(() =>
        {
            Assert.That(text.ExitCode, Is.Zero, text.ToString());
            Assert.That(text.Stdout, Does.StartWith("shard 100 (dstore): leader node-"));
            Assert.That(text.Stdout, Does.Contain("NODE").And.Contain("ROLE").And.Contain("TERM").And.Contain("COMMIT").And.Contain("APPLIED"));
            Assert.That(text.Stdout, Does.Not.Contain("shard 200"));
        });
    }

    [Test]
    public async Task ClusterStatus_OneNodeDown_RowSaysUnreachableExitZero()
    {
        await using var cluster = await ClusterHarness.StartAsync(s_direct);
        await cluster.WaitForLeaderAsync();
        var down = cluster.Nodes[2];
        string endpoints = string.Join(',', cluster.Nodes.Select(n => n.ClientEndpoint));
        await down.KillAsync();

        var result = await DkvCli.RunAsync("cluster", "status", "--endpoints", endpoints, "--shard", "100", "--timeout", "3");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(result.Stdout, Does.Match($@"\n-\s+{System.Text.RegularExpressions.Regex.Escape(down.ClientEndpoint)}\s+unreachable: "));
            Assert.That(result.Stdout, Does.Contain("2 of 3 nodes report a replica"));
        });
    }

    /// <summary>Waits (up to a minute) until every node names the same leader of both shards and has a commit index above zero.</summary>
    private static async Task WaitForAgreementAsync(ClusterHarness cluster)
    {
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        while (elapsed.Elapsed < s_retryDeadline)
        {
            var statuses = await Task.WhenAll(cluster.Nodes.SelectMany(n => new[] { ClusterOptions.StoreShard, ClusterOptions.LockShard }
                .Select(shard => cluster.StatusAsync(n, shard))));
            bool agreed = statuses.All(s => s is { Leader: not null, CommitIndex: > 0 })
                && statuses.GroupBy(s => s!.GroupId).All(g => g.Select(s => s!.Leader).Distinct().Count() == 1);
            if (agreed)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        Assert.Fail($"the nodes did not agree on one leader per shard within {s_retryDeadline}\n{cluster.Tails()}");
    }

    private static bool AllNameOneLeader(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("shards").EnumerateArray().All(shard =>
        {
            var nodes = shard.GetProperty("nodes").EnumerateArray().ToList();
            var leaders = nodes.Where(n => n.TryGetProperty("role", out var role) && role.GetString() == "leader").ToList();
            var known = nodes.Select(n => n.TryGetProperty("leader", out var leader) ? leader.GetString() : null).Distinct().ToList();
            return leaders.Count == 1 && known.Count == 1 && known[0] == leaders[0].GetProperty("replica").GetString();
        });
    }

    [TestCase(new[] { "--shards", "100=dstore" }, "ReplicaId is required for remote shards")]
    [TestCase(new[] { "--shards", "100=dstore", "--replica-id", "node-1" }, "ClusterMembers is required for remote shards")]
    [TestCase(new[] { "--shards", "100=dstore", "--replica-id", "node-1", "--cluster-members", "node-1" }, "invalid cluster member format: node-1 (expected ID=address)")]
    [TestCase(new[] { "--shards", "100=lockmgr(dstore)", "--replica-id", "node-1", "--cluster-members", "node-2=127.0.0.1:1" },
        "no address found for replica ID 16615728193742600643 in cluster members")]
    public async Task Serve_BadClusterFlags_UpstreamMessageExitTwo(string[] args, string message)
    {
        var result = await DkvCli.RunAsync(["serve", "--transport-endpoint", "127.0.0.1:0", .. args]);

        Assert.That((result.ExitCode, result.Stderr), Is.EqualTo((2, $"error: {message}\n")));
    }

    private static async Task AssertReadsAsync(ClusterHarness cluster, ClusterNode node, params (string Key, string Value)[] expected)
    {
        await using var client = await ClusterClient.ConnectAsync(node.ClientEndpoint, s_requestTimeout, maxAttempts: 3);
        foreach (var (key, value) in expected)
        {
            var store = client.Store(ClusterOptions.StoreShard);
            var read = await RetryAsync(() => store.GetAsync(key).AsTask());
            Assert.That(read.Found ? Encoding.UTF8.GetString(read.Value.Span) : "<missing>", Is.EqualTo(value), $"{key} on {node.Name}\n{cluster.Tails()}");
        }
    }

    /// <summary>
    /// Runs <paramref name="call"/> until it answers, retrying while the cluster is between leaders (see the class remarks); rethrows
    /// any other error, and the last transient one after <see cref="s_retryDeadline"/>.
    /// </summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> call, bool onlyDefinitelyNotApplied = false)
    {
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call();
            }
            catch (DkvException ex) when (elapsed.Elapsed < s_retryDeadline && IsTransient(ex, onlyDefinitelyNotApplied))
            {
                // A new election takes a few ticks; do not hammer the cluster meanwhile.
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    private static bool IsTransient(DkvException ex, bool onlyDefinitelyNotApplied) =>
        onlyDefinitelyNotApplied
            ? ex.DefinitelyNotApplied
            : ex.Code is DkvErrorCode.NotLeader or DkvErrorCode.Unavailable or DkvErrorCode.Timeout or DkvErrorCode.ConnectionLost;

    private static async Task<List<ClusterClient>> ConnectAllAsync(ClusterHarness cluster)
    {
        var clients = new List<ClusterClient>();
        foreach (var node in cluster.Nodes)
        {
            clients.Add(await ClusterClient.ConnectAsync(node.ClientEndpoint, s_requestTimeout));
        }

        return clients;
    }

    private static async Task DisposeAllAsync(List<ClusterClient> clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
