using DKV.EndToEnd.Tests.Cluster.Infrastructure;

namespace DKV.EndToEnd.Tests.Cluster;

/// <summary>
/// Clients on different nodes race for one <c>lockmgr(dstore)</c> lock while the lock group's leader is killed and paused: the
/// fencing tokens the protected resource sees only grow and no two holders are ever inside at once.
/// </summary>
[Category("ClusterFaults")]
[CancelAfter(1_800_000)]
public sealed class LockSafetyTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(45);

    [Test]
    public async Task LockRace_ThroughLeaderKillAndPause_TokensGrowAndHoldersNeverOverlap()
    {
        var settings = FaultSettings.Current();
        await using var cluster = await ClusterHarness.StartAsync(new ClusterOptions { NodeCount = 3 });
        var resource = new FencedResource();
        await cluster.WaitForLeaderAsync(ClusterOptions.LockShard);
        await using (var load = await LockWorkload.StartAsync(cluster, resource, clientCount: 3))
        {
            await load.WaitForProgressAsync(10, s_deadline);
            for (int round = 0; round < settings.Rounds; round++)
            {
                var leader = await cluster.WaitForLeaderAsync(ClusterOptions.LockShard);
                await leader.KillAsync();
                await cluster.WaitForLeaderAsync(ClusterOptions.LockShard, notThis: leader);
                await load.WaitForProgressAsync(5, s_deadline);
                await leader.StartAsync();

                leader = await cluster.WaitForLeaderAsync(ClusterOptions.LockShard);
                await leader.PauseAsync();
                await cluster.WaitForLeaderAsync(ClusterOptions.LockShard, notThis: leader);
                await load.WaitForProgressAsync(5, s_deadline);
                await leader.ResumeAsync();
                await Task.Delay(settings.LoadBetweenFaults);
                await load.WaitForProgressAsync(5, s_deadline);
            }

            await load.StopAsync();
            TestContext.Out.WriteLine($"{resource.AcceptedCount} turns, highest token {resource.HighestToken}, {load.FailureCount} failed requests");
        }

        Assert.That(resource.Violations, Is.Empty, string.Join('\n', resource.Violations) + "\n" + cluster.Tails());
        Assert.That(resource.AcceptedCount, Is.GreaterThanOrEqualTo(10 + (10 * settings.Rounds)));
    }
}
