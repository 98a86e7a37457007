using DKV.Consensus.Raft;
using DKV.Consensus.Tests.Scenarios.Harness;

namespace DKV.Consensus.Tests.Scenarios;

/// <summary>Leader transfer (thesis section 3.10); raft-testing.md S13.</summary>
[CancelAfter(30_000)]
public sealed class LeaderTransferScenarioTests
{
    [Test]
    public void Transfer_UpToDateFollower_BecomesLeaderInNextTerm()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        ulong term = cluster[1].Raft.Term;

        Assert.That(cluster[1].Raft.TransferLeader(2), Is.EqualTo(ProposalStatus.Accepted));
        cluster.Stabilize();

        Assert.That(cluster.Leader!.Id, Is.EqualTo(2UL));
        Assert.That(cluster[2].Raft.Term, Is.EqualTo(term + 1));
        Assert.That(cluster.Violations, Is.Empty);
    }

    [Test]
    public void Transfer_LaggingFollower_CaughtUpFirstAndProposalsRefusedMeanwhile()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Isolate(3);
        for (int i = 0; i < 5; i++)
        {
            cluster.Propose(1, $"v{i}");
        }

        cluster.Stabilize();
        cluster.HealAll();

        Assert.That(cluster[1].Raft.TransferLeader(3), Is.EqualTo(ProposalStatus.Accepted));
        Assert.That(cluster.Propose(1, "during").Status, Is.EqualTo(ProposalStatus.TransferInProgress));
        cluster.Stabilize();

        Assert.That(cluster.Leader!.Id, Is.EqualTo(3UL));
        Assert.That(cluster.AppliedData(3), Is.EqualTo(new[] { "v0", "v1", "v2", "v3", "v4" }));
        Assert.That(cluster.Violations, Is.Empty);
    }

    [Test]
    public void Transfer_UnreachableTarget_AbandonedAfterElectionTimeout()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Isolate(3);

        cluster[1].Raft.TransferLeader(3);
        Assert.That(cluster.Propose(1, "during").Status, Is.EqualTo(ProposalStatus.TransferInProgress));
        cluster.TickOnly(10, 1, 2);

        Assert.That(cluster[1].Raft.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(cluster.Propose(1, "after").IsAccepted, Is.True, "the transfer was abandoned");
    }

    [Test]
    public void Transfer_NotLeaderOrBadTarget_Refused()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);

        Assert.That(cluster[2].Raft.TransferLeader(3), Is.EqualTo(ProposalStatus.NotLeader));
        Assert.That(cluster[1].Raft.TransferLeader(1), Is.EqualTo(ProposalStatus.Rejected));
        Assert.That(cluster[1].Raft.TransferLeader(9), Is.EqualTo(ProposalStatus.Rejected));
    }

    [Test]
    public void Transfer_HigherTermAppears_TransferAbortedAndProposalsResumeAtNewLeader()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Isolate(1, 3);
        cluster[1].Raft.TransferLeader(3);
        Assert.That(cluster[1].Raft.Status.LeadTransferee, Is.EqualTo(3UL));

        // Nodes 2 and 3 elect a leader in a higher term; node 1 learns the term and drops the transfer with its leadership.
        cluster.Isolate(1);
        cluster.TickOnly(30, 2, 3);
        cluster.HealAll();
        cluster.TickAll(3);

        TestNode leader = cluster.Leader!;
        Assert.That(leader.Id, Is.Not.EqualTo(1UL));
        Assert.That(cluster[1].Raft.Status.LeadTransferee, Is.Zero);
        Assert.That(cluster.Propose(leader.Id, "after").IsAccepted, Is.True);
        Assert.That(cluster.Violations, Is.Empty);
    }
}
