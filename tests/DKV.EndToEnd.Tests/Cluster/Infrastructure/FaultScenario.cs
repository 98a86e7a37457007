namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>
/// The frame every fault scenario shares: a cluster, a recorded load from several clients on different nodes, the fault rounds,
/// then stop the load, heal, wait for convergence and verify. On failure the message carries the seed, the counts and every node's log tail.
/// </summary>
internal static class FaultScenario
{
    /// <summary>Deadline for "the load makes progress again" after a fault.</summary>
    public static readonly TimeSpan ProgressDeadline = TimeSpan.FromSeconds(45);

    private static readonly TimeSpan s_convergeDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_checkTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Runs <paramref name="round"/> <see cref="FaultSettings.Rounds"/> times under load and verifies. <paramref name="round"/> gets the
    /// cluster, the load and the round number, and must leave every node running (restarted, resumed or healed) when it returns.
    /// </summary>
    public static async Task RunAsync(ClusterOptions options, int clients, Func<ClusterHarness, KvWorkload, int, Task> round)
    {
        var settings = FaultSettings.Current();
        await using var cluster = await ClusterHarness.StartAsync(options);
        try
        {
            await cluster.WaitForLeaderAsync();
            var recorder = new HistoryRecorder();
            await using (var load = await KvWorkload.StartAsync(cluster, recorder, clients, settings.Seed))
            {
                await load.WaitForProgressAsync(20, ProgressDeadline);
                for (int i = 0; i < settings.Rounds; i++)
                {
                    await round(cluster, load, i);
                    await LoadForAsync(load, settings.LoadBetweenFaults);
                }

                await load.StopAsync();
                await ClusterVerifier.WaitForConvergenceAsync(cluster, s_convergeDeadline);
                var problems = await ClusterVerifier.VerifyAsync(cluster, recorder, load, s_checkTimeout);
                TestContext.Out.WriteLine($"{load}: {recorder.Summary()}");
                Assert.That(problems, Is.Empty, $"{load}: {recorder.Summary()}\n{string.Join('\n', problems.Take(20))}\n{cluster.Tails()}");
            }
        }
        catch (Exception ex) when (ex is not AssertionException)
        {
            string logs = ex.Message.Contains("--- node-", StringComparison.Ordinal) ? string.Empty : "\n" + cluster.Tails();
            throw new InvalidOperationException($"scenario failed (seed {settings.Seed}): {ex.Message}{logs}", ex);
        }
    }

    /// <summary>Lets the load run for <paramref name="duration"/> and makes sure it acknowledged writes meanwhile.</summary>
    public static async Task LoadForAsync(KvWorkload load, TimeSpan duration)
    {
        await Task.Delay(duration);
        await load.WaitForProgressAsync(10, ProgressDeadline);
    }
}
