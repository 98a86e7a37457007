using DKV.Consensus.Raft;
using DKV.Simulation;

namespace DKV.Consensus.Tests.Simulation;

/// <summary>
/// A checker that never fails proves nothing (STYLE.md rule 18): each planted bug in the core must make the simulator report a
/// definite violation within a bounded number of seeds, under fault settings chosen to expose it; the same settings without the
/// bug must pass, so the violation is the bug's and not the harness's.
/// </summary>
[TestFixture]
public sealed class PlantedBugTests
{
    private const int ChunkSeeds = 8;
    private const int Operations = 300;

    // Partitions that nearly always isolate the leader while clients still reach it. Check-quorum is off so the isolated leader
    // keeps its role: only the read-index quorum round stands between it and a stale read.
    private static readonly FaultProfile s_stalePartitions = new()
    {
        ElectionTicks = 10,
        PartitionRate = 0.1,
        HealRate = 0.03,
        IsolateLeaderRate = 0.9,
        CheckQuorum = false,
        DropRate = 0.01,
        DelayMeanMs = 2,
        CrashRate = 0.01,
        MaxDown = 1,
        RandomTargetRate = 0.5,
        Clients = 8,
    };

    // Frequent elections (lossy network, short timeouts) and crashes right after a granted vote, before the next batch is synced.
    private static readonly FaultProfile s_crashAfterVote = new()
    {
        ElectionTicks = 4,
        DropRate = 0.25,
        DelayMeanMs = 5,
        SyncLatencyMs = 5,
        CrashAfterVoteRate = 0.5,
        MaxDown = 3,
        RestartMinMs = 1,
        RestartMaxMs = 20,
        PartitionRate = 0.02,
        HealRate = 0.1,
        Clients = 4,
    };

    // Figure 8: one entry per append, one append in flight, and leaders crashing just before they send an append, so logs
    // diverge at the same index across terms and an old-term entry can sit on a bare majority when a new leader counts it.
    private static readonly FaultProfile s_figure8 = new()
    {
        ElectionTicks = 5,
        DropRate = 0.1,
        DelayMeanMs = 3,
        CrashRate = 0.01,
        LeaderCrashBias = 0.9,
        CrashBeforeAppendRate = 0.15,
        MaxDown = 2,
        RestartMinMs = 5,
        RestartMaxMs = 60,
        SyncLatencyMs = 1,
        MaxInflightMessages = 1,
        MaxAppendBytes = 1,
        Clients = 8,
    };

    [Test]
    [CancelAfter(300_000)]
    public void Simulator_ReadWithoutLeadershipCheck_FindsStaleRead(CancellationToken cancellation)
    {
        SimResult found = FindViolation(PlantedBugs.ReadWithoutLeadershipCheck, s_stalePartitions, nodes: 3, maxSeeds: 64, cancellation);
        Assert.That(found.Violation, Does.StartWith("linearizability: not linearizable"), found.Violation);
    }

    [Test]
    [CancelAfter(300_000)]
    public void Simulator_VoteBeforePersist_FindsTwoLeadersInOneTerm(CancellationToken cancellation)
    {
        SimResult found = FindViolation(PlantedBugs.VoteBeforePersist, s_crashAfterVote, nodes: 3, maxSeeds: 400, cancellation);
        Assert.That(found.Violation, Is.Not.Null);
    }

    [Test]
    [CancelAfter(300_000)]
    public void Simulator_CommitPreviousTermByCount_FindsLostCommit(CancellationToken cancellation)
    {
        SimResult found = FindViolation(PlantedBugs.CommitPreviousTermByCount, s_figure8, nodes: 3, maxSeeds: 200, cancellation);
        Assert.That(found.Violation, Does.Contain("leader completeness").Or.Contain("state machine safety").Or.Contain("durability"), found.Violation);
    }

    [TestCase("stale-partitions")]
    [TestCase("crash-after-vote")]
    [TestCase("figure-8")]
    [CancelAfter(300_000)]
    public void Simulator_HarshProfileWithoutBugs_NoViolation(string name, CancellationToken cancellation)
    {
        FaultProfile profile = name switch
        {
            "stale-partitions" => s_stalePartitions,
            "crash-after-vote" => s_crashAfterVote,
            _ => s_figure8,
        };
        var results = SeedRunner.Run(1, 48, 3, Operations, Environment.ProcessorCount, options => options with { Profile = profile }, cancellationToken: cancellation);
        Assert.That(results.Where(r => !r.Passed).Select(r => $"seed {r.Seed}: {r.Violation}"), Is.Empty);
    }

    private static SimResult FindViolation(PlantedBugs bug, FaultProfile profile, int nodes, int maxSeeds, CancellationToken cancellation)
    {
        for (ulong start = 1; start <= (ulong)maxSeeds; start += ChunkSeeds)
        {
            var results = SeedRunner.Run(start, ChunkSeeds, nodes, Operations, Environment.ProcessorCount, options => options with
            {
                Profile = profile,
                ConfigureNode = config => config with { PlantedBugs = bug },
            }, cancellationToken: cancellation);

            // A checker that ran out of budget proves nothing: only a definite violation counts.
            SimResult? violated = results.FirstOrDefault(r => !r.Passed && !r.Violation!.Contains("did not finish", StringComparison.Ordinal));
            if (violated is not null)
            {
                TestContext.Out.WriteLine($"{bug}: found at seed {violated.Seed} (searched seeds 1..{start + ChunkSeeds - 1}): {violated.Violation}");
                TestContext.Out.WriteLine($"profile: {violated.Profile.Describe()}");

                // A failing seed must replay to the same failure, event for event.
                var replay = new Simulator(new SimOptions
                {
                    Seed = violated.Seed,
                    Nodes = nodes,
                    Operations = Operations,
                    Profile = profile,
                    ConfigureNode = config => config with { PlantedBugs = bug },
                }).Run();
                Assert.That(replay.Violation, Is.EqualTo(violated.Violation));
                Assert.That(replay.TraceHash, Is.EqualTo(violated.TraceHash));
                return violated;
            }
        }

        Assert.Fail($"planted bug {bug} was not found within {maxSeeds} seeds");
        throw new InvalidOperationException("unreachable");
    }
}
