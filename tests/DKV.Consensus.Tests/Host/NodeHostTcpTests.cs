using System.Text;
using DKV.Core.Stores;

namespace DKV.Consensus.Tests.Host;

[CancelAfter(120_000)]
public sealed class NodeHostTcpTests
{
    [Test]
    public async Task Cluster_OverTcpPeerNetwork_ServesWritesAndReadsOnEveryNode()
    {
        await using HostCluster cluster = await HostCluster.StartAsync(tcp: true);
        int leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));

        Task<WriteResult>[] writes = [.. Enumerable.Range(0, 60).Select(i => cluster.Store(i % cluster.Size).SetAsync($"k{i}", Encoding.UTF8.GetBytes($"v{i}")).AsTask())];
        await Task.WhenAll(writes);

        for (int node = 0; node < cluster.Size; node++)
        {
            for (int i = 0; i < 60; i += 11)
            {
                GetResult read = await cluster.Store(node).GetAsync($"k{i}");
                Assert.That(Encoding.UTF8.GetString(read.Value.Span), Is.EqualTo($"v{i}"), $"node {node} key k{i}");
            }
        }

        StoreInfo info = await cluster.Store(leader).GetDBInfoAsync();
        Assert.That(info.StoreKind, Is.EqualTo("dstore"));
        Assert.That(info.Replication!.Role, Is.EqualTo("leader"));
        Assert.That(info.Replication.AppliedIndex, Is.GreaterThanOrEqualTo(60UL));
        Assert.That(info.Replication.LogBytes, Is.GreaterThan(0L));
    }

    [Test]
    public async Task Cluster_OverTcp_FollowerRestartedWithSameDataDirectory_RejoinsWithItsState()
    {
        await using HostCluster cluster = await HostCluster.StartAsync(tcp: true, configure: o => o with { SnapshotEntries = 25, CompactionOverhead = 5 });
        int leader = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
        int follower = (leader + 1) % cluster.Size;
        await cluster.Store(leader).SetAsync("before", Encoding.UTF8.GetBytes("1"));
        await cluster.StopNodeAsync(follower);
        for (int i = 0; i < 80; i++)
        {
            await cluster.Store(leader).SetAsync($"k{i}", Encoding.UTF8.GetBytes($"v{i}"));
        }

        await cluster.StartNodeAsync(follower);

        GetResult last = await cluster.Store(follower).GetAsync("k79");
        GetResult before = await cluster.Store(follower).GetAsync("before");
        Assert.That(Encoding.UTF8.GetString(last.Value.Span), Is.EqualTo("v79"));
        Assert.That(Encoding.UTF8.GetString(before.Value.Span), Is.EqualTo("1"));
    }
}
