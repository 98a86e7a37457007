using DKV.Consensus.Raft;
using DKV.Consensus.Tests.Scenarios.Harness;

namespace DKV.Consensus.Tests.Scenarios;

/// <summary>
/// A small seeded fault run on the scenario harness (the full simulator lives in DKV.Simulation): random ticks, message loss,
/// duplication and reordering, partitions, crashes with restart from storage, proposals, reads and compaction. Safety is checked
/// throughout; at the end the network heals and every node must converge on one applied log.
/// </summary>
[CancelAfter(120_000)]
public sealed class RandomFaultScenarioTests
{
    [Test]
    public void RandomFaults_ManySeeds_NoSafetyViolationAndConvergence([Values(3, 5)] int size)
    {
        for (int seed = 1; seed <= 150; seed++)
        {
            try
            {
                RunSeed(size, seed);
            }
            catch (Exception ex) when (ex is not AssertionException)
            {
                Assert.Fail($"size {size} seed {seed}: {ex}");
            }
        }
    }

    private static void RunSeed(int size, int seed)
    {
        var random = new Random(seed);
        var cluster = new TestCluster(
            size,
            (_, c) => c with { CompactionTailEntries = (ulong)random.Next(1, 20), MaxInflightMessages = random.Next(1, 8), MaxAppendBytes = random.Next(30, 400) },
            (ulong)seed);
        double dropRate = random.NextDouble() * 0.3;
        int proposals = 0;
        for (int step = 0; step < 400; step++)
        {
            ulong id = (ulong)random.Next(1, size + 1);
            switch (random.Next(20))
            {
                case < 6:
                    if (cluster[id].IsUp)
                    {
                        cluster[id].Raft.Tick();
                    }

                    break;
                case < 10:
                    if (cluster.Leader is { } leader)
                    {
                        cluster.Propose(leader.Id, $"s{seed}p{proposals++}");
                    }

                    break;
                case 10:
                    if (cluster[id].IsUp)
                    {
                        cluster[id].Raft.ReadIndex((ulong)step);
                    }

                    break;
                case 11:
                    if (cluster.Nodes.Count(n => !n.IsUp) < (size - 1) / 2 && cluster[id].IsUp)
                    {
                        cluster.Crash(id);
                    }

                    break;
                case 12:
                    if (!cluster[id].IsUp)
                    {
                        cluster.Restart(id);
                    }

                    break;
                case 13:
                    if (random.Next(2) == 0)
                    {
                        cluster.Isolate(id, (ulong)random.Next(1, size + 1));
                    }
                    else
                    {
                        cluster.BeginReady(id); // persisted later: inputs arrive while this batch is on its way to disk
                    }

                    break;
                case 14:
                    cluster.HealAll();
                    break;
                case 15:
                    if (cluster[id].IsUp && cluster[id].AppliedIndex > 0)
                    {
                        cluster.Compact(id);
                    }

                    break;
                default:
                    cluster.Process();
                    cluster.DeliverShuffled(random, dropRate, 0.05);
                    break;
            }

            Assert.That(cluster.Violations, Is.Empty, $"size {size} seed {seed} step {step}");
        }

        Converge(cluster, size, seed);
    }

    private static void Converge(TestCluster cluster, int size, int seed)
    {
        cluster.HealAll();
        foreach (TestNode node in cluster.Nodes.Where(n => !n.IsUp).ToList())
        {
            cluster.Restart(node.Id);
        }

        cluster.Drop(_ => true);
        cluster.TickAll(60);
        TestNode? leader = cluster.Leader;
        Assert.That(leader, Is.Not.Null, $"size {size} seed {seed}: no leader after healing");
        cluster.Propose(leader!.Id, "final");
        cluster.TickAll(5);
        Assert.That(cluster.Violations, Is.Empty, $"size {size} seed {seed}");
        ulong commit = leader.Raft.CommitIndex;
        foreach (TestNode node in cluster.Nodes)
        {
            Assert.That(node.AppliedIndex, Is.EqualTo(commit), $"size {size} seed {seed}: node {node.Id} applied");
            Assert.That(cluster.AppliedData(node.Id), Is.EqualTo(cluster.AppliedData(leader.Id)), $"size {size} seed {seed}: node {node.Id}");
        }
    }
}
