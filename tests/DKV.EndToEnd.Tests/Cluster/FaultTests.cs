using DKV.EndToEnd.Tests.Cluster.Infrastructure;

namespace DKV.EndToEnd.Tests.Cluster;

/// <summary>
/// Real 3-node clusters (5 nodes for one case) under a steady recorded load from several clients on different nodes, one kind of fault per test. After
/// each: every acknowledged write is on every node, nothing unacknowledged is half-applied, and the history is linearizable.
/// Short in CI; the <c>ClusterFaults</c> Cake target runs more rounds (see <see cref="FaultSettings"/>).
/// </summary>
[Category("ClusterFaults")]
[CancelAfter(1_800_000)]
public sealed class FaultTests
{
    private static readonly ClusterOptions s_threeNodes = new() { NodeCount = 3 };

    [TestCase(3)]
    [TestCase(5)]
    public Task LeaderKilled_UnderLoad_NewLeaderServesAndOldLeaderRejoins(int nodes) =>
        FaultScenario.RunAsync(s_threeNodes with { NodeCount = nodes }, clients: 4, async (cluster, load, _) =>
        {
            var leader = await cluster.WaitForLeaderAsync();
            await leader.KillAsync();
            await cluster.WaitForLeaderAsync(notThis: leader);
            await load.WaitForProgressAsync(20, FaultScenario.ProgressDeadline);
            await leader.StartAsync();
            await ClusterVerifier.WaitForConvergenceAsync(cluster, FaultScenario.ProgressDeadline);
        });

    [Test]
    public Task LeaderPaused_UnderLoad_NewLeaderElectedAndOldLeaderCatchesUpAfterResume() =>
        FaultScenario.RunAsync(s_threeNodes, clients: 4, async (cluster, load, _) =>
        {
            var leader = await cluster.WaitForLeaderAsync();
            await leader.PauseAsync();
            await cluster.WaitForLeaderAsync(notThis: leader);
            await load.WaitForProgressAsync(20, FaultScenario.ProgressDeadline);
            await leader.ResumeAsync();
            await ClusterVerifier.WaitForConvergenceAsync(cluster, FaultScenario.ProgressDeadline);
        });

    [Test]
    public Task FollowerRestarted_AfterLogCompactedPastIt_CatchesUpFromSnapshot() =>
        FaultScenario.RunAsync(s_threeNodes with { SnapshotEntries = 50, CompactionOverhead = 10 }, clients: 4, async (cluster, load, _) =>
        {
            var leader = await cluster.WaitForLeaderAsync();
            var follower = cluster.Nodes.First(node => node != leader);
            var before = await cluster.StatusAsync(follower) ?? throw new InvalidOperationException($"{follower.Name} did not report its status");
            await follower.KillAsync();
            await WaitForCompactionPastAsync(cluster, before.LastIndex);
            await follower.StartAsync();
            await ClusterVerifier.WaitForConvergenceAsync(cluster, FaultScenario.ProgressDeadline);
        });

    /// <remarks>Even rounds isolate the leader behind black-holed links; odd rounds (longer runs) isolate a follower behind refused ones.</remarks>
    [Test]
    public Task NodeIsolated_UnderLoad_MajorityKeepsServingAndHealedNodeRejoins() =>
        FaultScenario.RunAsync(s_threeNodes, clients: 4, async (cluster, load, round) =>
        {
            var leader = await cluster.WaitForLeaderAsync();
            bool isolateLeader = round % 2 == 0;
            var isolated = isolateLeader ? leader : cluster.Nodes.First(node => node != leader);
            cluster.Isolate(isolated, isolateLeader ? ProxyMode.BlackHole : ProxyMode.Refuse);
            try
            {
                // An isolated old leader may still call itself leader of its stale term; the majority's leader has a higher term.
                var majorityLeader = await cluster.WaitForLeaderAsync(notThis: isolated);
                await load.WaitForProgressAsync(20, FaultScenario.ProgressDeadline);
                TestContext.Out.WriteLine($"round {round}: {isolated.Name} isolated ({(isolateLeader ? "leader" : "follower")}); {majorityLeader.Name} leads the majority");
            }
            finally
            {
                cluster.Heal();
            }

            await ClusterVerifier.WaitForConvergenceAsync(cluster, FaultScenario.ProgressDeadline);
        });

    /// <summary>Waits until the leader's log starts after <paramref name="index"/> (so a follower that stopped there needs a snapshot).</summary>
    private static async Task WaitForCompactionPastAsync(ClusterHarness cluster, ulong index)
    {
        using var deadline = new CancellationTokenSource(FaultScenario.ProgressDeadline);
        while (true)
        {
            var leader = await cluster.WaitForLeaderAsync();
            if (await cluster.StatusAsync(leader) is { } status && status.FirstIndex > index + 1)
            {
                return;
            }

            try
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the leader's log was not compacted past index {index} within {FaultScenario.ProgressDeadline}\n{cluster.Tails()}");
            }
        }
    }
}
