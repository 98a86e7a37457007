using System.Text;
using DKV.Core.Errors;
using DKV.EndToEnd.Tests.Cluster.Infrastructure;

namespace DKV.EndToEnd.Tests.Cluster;

/// <summary>
/// The harness's process control on plain single-node shards (lstore): start, kill -9, restart on the same endpoint, SIGSTOP /
/// SIGCONT, SIGTERM, and cleanup. The cluster scenarios rely on each of these.
/// </summary>
[CancelAfter(120_000)]
public sealed class ClusterNodeTests
{
    private static readonly ClusterOptions s_plain = new() { NodeCount = 2, Shards = "100=lstore", UseProxies = true };

    [Test]
    public async Task KillAsync_ThenStartAsync_ServesAgainOnTheSameEndpoint()
    {
        await using var cluster = await ClusterHarness.StartAsync(s_plain);
        var node = cluster.Nodes[0];
        string endpoint = node.ClientEndpoint;

        await node.KillAsync();
        Assert.That(node.IsRunning, Is.False);
        await node.StartAsync();

        Assert.That(node.ClientEndpoint, Is.EqualTo(endpoint));
        await using var client = await ClusterClient.ConnectAsync(node.ClientEndpoint, TimeSpan.FromSeconds(10));
        var written = await client.Store(100).SetAsync("k", Encoding.UTF8.GetBytes("v"));
        Assert.That(written.Applied, Is.True);
        Assert.That(node.Output, Does.Contain("killed with SIGKILL").And.Contain("start #2"));
    }

    [Test]
    public async Task PauseAsync_ThenResumeAsync_RequestsTimeOutWhilePausedAndSucceedAfter()
    {
        await using var cluster = await ClusterHarness.StartAsync(s_plain);
        var node = cluster.Nodes[1];
        await using var client = await ClusterClient.ConnectAsync(node.ClientEndpoint, TimeSpan.FromSeconds(1));
        var store = client.Store(100);
        await store.SetAsync("k", Encoding.UTF8.GetBytes("v"));

        await node.PauseAsync();
        var paused = await Assert.ThrowsAsync<DkvException>(async () => await store.GetAsync("k"));
        await node.ResumeAsync();
        var read = await store.GetAsync("k");

        Assert.That(paused!.Code, Is.EqualTo(DkvErrorCode.Timeout));
        Assert.That(read.Found, Is.True);
    }

    [Test]
    public async Task MembersFor_WithProxies_NamesOwnAddressAndAProxyForTheOtherNode()
    {
        await using var cluster = await ClusterHarness.StartAsync(s_plain);
        var (first, second) = (cluster.Nodes[0], cluster.Nodes[1]);

        string members = cluster.MembersFor(0);

        Assert.That(members, Is.EqualTo($"node-1={first.PeerEndpoint},node-2={cluster.Proxy(0, 1).Endpoint}"));
        Assert.That(cluster.Proxy(0, 1).Target, Is.EqualTo(second.PeerEndpoint));
        Assert.That(first.Output, Does.Contain(members));
    }

    [Test]
    public async Task StopAsync_RunningNode_ExitsWithZero()
    {
        await using var cluster = await ClusterHarness.StartAsync(s_plain);

        int exit = await cluster.Nodes[0].StopAsync();

        Assert.That(exit, Is.Zero, cluster.Nodes[0].Tail());
    }

    [Test]
    public async Task DisposeAsync_WithPausedNode_KillsEverythingAndDeletesTheFolder()
    {
        var cluster = await ClusterHarness.StartAsync(s_plain);
        await cluster.Nodes[0].PauseAsync();
        string folder = cluster.Folder;

        await cluster.DisposeAsync();

        Assert.That(cluster.Nodes.All(node => !node.IsRunning), Is.True);
        Assert.That(Directory.Exists(folder), Is.False);
    }
}
