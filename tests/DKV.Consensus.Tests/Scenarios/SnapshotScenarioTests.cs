using DKV.Consensus.Raft;
using DKV.Consensus.Tests.Scenarios.Harness;

namespace DKV.Consensus.Tests.Scenarios;

/// <summary>Log compaction and install-snapshot for a follower that fell behind the leader's first index (paper section 7).</summary>
[CancelAfter(30_000)]
public sealed class SnapshotScenarioTests
{
    [Test]
    public void LaggingFollower_BehindCompactedLog_CaughtUpBySnapshotThenEntries()
    {
        var cluster = new TestCluster(3, (_, c) => c with { CompactionTailEntries = 5 });
        cluster.Elect(1);
        cluster.Isolate(3);
        for (int i = 0; i < 50; i++)
        {
            cluster.Propose(1, $"v{i}");
        }

        cluster.Stabilize();
        CompactionPlan plan = cluster.Compact(1);
        cluster.Compact(2);
        Assert.That(plan.Snapshot.Metadata.Index, Is.EqualTo(51UL));
        Assert.That(cluster[1].Storage.FirstIndex, Is.EqualTo(47UL), "five entries stay behind the snapshot");

        cluster.HealAll();
        int snapshotsSent = 0;
        for (int i = 0; i < 10; i++)
        {
            cluster.Process();
            snapshotsSent += cluster.InFlight.Count(m => m.Type == RaftMessageType.InstallSnapshot);
            cluster.Deliver();
            foreach (TestNode node in cluster.Nodes)
            {
                node.Raft.Tick();
            }
        }

        cluster.Stabilize();
        cluster.Propose(1, "after");
        cluster.Stabilize();

        Assert.That(snapshotsSent, Is.EqualTo(1));
        Assert.That(cluster[3].Storage.Snapshot?.Metadata.Index, Is.EqualTo(51UL));
        Assert.That(cluster[3].Raft.CommitIndex, Is.EqualTo(52UL));
        Assert.That(cluster.AppliedData(3), Is.EqualTo(cluster.AppliedData(1)));
        Assert.That(cluster.AppliedData(3), Has.Count.EqualTo(51));
        Assert.That(cluster.Violations, Is.Empty);
    }

    [Test]
    public void SlightlyLaggingFollower_WithinCompactionTail_CaughtUpFromLogWithoutSnapshot()
    {
        var cluster = new TestCluster(3, (_, c) => c with { CompactionTailEntries = 100 });
        cluster.Elect(1);
        cluster.Isolate(3);
        for (int i = 0; i < 10; i++)
        {
            cluster.Propose(1, $"v{i}");
        }

        cluster.Stabilize();
        cluster.Compact(1);
        cluster.HealAll();
        cluster.TickAll(3);

        Assert.That(cluster[3].Storage.Snapshot, Is.Null);
        Assert.That(cluster.AppliedData(3), Is.EqualTo(cluster.AppliedData(1)));
    }

    [Test]
    public void Restart_FromSnapshotAndTail_KeepsCommittedStateAndRejoins()
    {
        var cluster = new TestCluster(3, (_, c) => c with { CompactionTailEntries = 2 });
        cluster.Elect(1);
        for (int i = 0; i < 10; i++)
        {
            cluster.Propose(1, $"v{i}");
        }

        cluster.Stabilize();
        cluster.Compact(2);
        cluster.Crash(2);
        cluster.Restart(2);
        cluster.Propose(1, "after");
        cluster.TickAll(3);

        Assert.That(cluster[2].Raft.AppliedIndex, Is.EqualTo(12UL));
        Assert.That(cluster.AppliedData(2), Is.EqualTo(cluster.AppliedData(1)));
        Assert.That(cluster.Violations, Is.Empty);
    }
}
