using System.Text;
using System.Text.Json;
using DKV.EndToEnd.Tests.Cluster.Infrastructure;
using DKV.EndToEnd.Tests.Infrastructure;

namespace DKV.EndToEnd.Tests.Cluster;

/// <summary>
/// Real <c>dkv serve</c> clusters on loopback through the client API and the CLI: every node serves linearizable reads and
/// writes of the replicated store, a restarted node keeps its state, lockmgr(dstore) locks hold across nodes, and
/// <c>dkv cluster status</c> shows the one leader.
/// </summary>
[CancelAfter(240_000)]
public sealed class BasicClusterTests
{
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(10);
    private static readonly ClusterOptions s_direct = new() { UseProxies = false };

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
                await clients[writer].Store(ClusterOptions.StoreShard).SetAsync($"key-{writer}", Bytes($"from node-{writer + 1}"));
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
            await client.Store(ClusterOptions.StoreShard).SetAsync("before", Bytes("1"));
            await follower.KillAsync();
            await client.Store(ClusterOptions.StoreShard).SetAsync("while-down", Bytes("2"));
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

        var held = await locksOn1.AcquireLockAsync("job", TimeSpan.FromMinutes(1));
        var blocked = await locksOn2.AcquireLockAsync("job", TimeSpan.FromMinutes(1));
        bool released = await locksOn1.ReleaseLockAsync("job", held.OwnerId);
        var next = await locksOn2.AcquireLockAsync("job", TimeSpan.FromMinutes(1));

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
            await client.Store(ClusterOptions.StoreShard).SetAsync("k", Bytes("v"));
        }

        string endpoints = string.Join(',', cluster.Nodes.Select(n => n.ClientEndpoint));
        var json = await DkvCli.RunAsync("cluster", "status", "--endpoints", endpoints, "--output", "json");
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
            Assert.That(result.Stdout, Does.Contain($"{down.ClientEndpoint}  unreachable: "));
            Assert.That(result.Stdout, Does.Contain("2 of 3 nodes report a replica"));
        });
    }

    private static async Task AssertReadsAsync(ClusterHarness cluster, ClusterNode node, params (string Key, string Value)[] expected)
    {
        await using var client = await ClusterClient.ConnectAsync(node.ClientEndpoint, s_requestTimeout, maxAttempts: 3);
        foreach (var (key, value) in expected)
        {
            var read = await client.Store(ClusterOptions.StoreShard).GetAsync(key);
            Assert.That(read.Found ? Encoding.UTF8.GetString(read.Value.Span) : "<missing>", Is.EqualTo(value), $"{key} on {node.Name}\n{cluster.Tails()}");
        }
    }

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
