using System.Text;
using DKV.EndToEnd.Tests.Cluster.Infrastructure;

namespace DKV.EndToEnd.Tests.Cluster;

/// <summary>
/// The verifier behind every fault scenario fails on planted damage: an acknowledged write removed and a value nobody wrote put in
/// place, both behind the recorder's back.
/// </summary>
[Category("ClusterFaults")]
[CancelAfter(300_000)]
public sealed class ClusterVerifierTests
{
    [Test]
    public async Task VerifyAsync_AcknowledgedWriteLostAndValueInvented_ReportsBoth()
    {
        await using var cluster = await ClusterHarness.StartAsync(new ClusterOptions { NodeCount = 3, UseProxies = false });
        await cluster.WaitForLeaderAsync();
        var recorder = new HistoryRecorder();
        await using var load = await KvWorkload.StartAsync(cluster, recorder, clientCount: 3, seed: 7);
        await load.WaitForProgressAsync(60, FaultScenario.ProgressDeadline);
        await load.StopAsync();

        var lost = recorder.Writes.First(w => w.Outcome == WriteOutcome.Acknowledged && w.Input.Key.StartsWith("u-", StringComparison.Ordinal));
        string invented = load.SharedKeys[0];
        await using (var client = await ClusterClient.ConnectAsync(cluster.Nodes[0].ClientEndpoint, TimeSpan.FromSeconds(10), maxAttempts: 3))
        {
            await client.Store(ClusterOptions.StoreShard).DeleteAsync(lost.Input.Key);
            await client.Store(ClusterOptions.StoreShard).SetAsync(invented, Encoding.UTF8.GetBytes("planted"));
        }

        await ClusterVerifier.WaitForConvergenceAsync(cluster, FaultScenario.ProgressDeadline);
        var problems = await ClusterVerifier.VerifyAsync(cluster, recorder, load, TimeSpan.FromSeconds(60));

        Assert.That(problems, Has.Some.Contains($"acknowledged write {lost.Input.Key}='{lost.Input.Value}' is missing"), string.Join('\n', problems));
        Assert.That(problems, Has.Some.Contains("not linearizable").And.Contains(invented), string.Join('\n', problems));
    }
}
