using DKV.Consensus.Raft;
using DKV.Consensus.Tests.Scenarios.Harness;

namespace DKV.Consensus.Tests.Scenarios;

/// <summary>Linearizable reads through ReadIndex (thesis section 6.4); raft-testing.md S7.</summary>
[CancelAfter(30_000)]
public sealed class ReadIndexScenarioTests
{
    [Test]
    public void StaleLeader_IsolatedWhileOthersCommit_ReadIndexNeverServed()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Propose(1, "x=1");
        cluster.Stabilize();

        ulong newWriteIndex = IsolateLeaderAndCommitElsewhere(cluster);
        Assert.That(cluster[1].Raft.Role, Is.EqualTo(RaftRole.Leader), "node 1 still believes it leads");
        ProposalStatus status = cluster[1].Raft.ReadIndex(42);
        cluster.Stabilize();
        cluster.TickOnly(3, 1);

        Assert.That(status, Is.EqualTo(ProposalStatus.Accepted));
        Assert.That(cluster[1].ReadStates, Is.Empty, "no quorum confirms node 1's leadership");

        cluster.HealAll();
        cluster.TickAll(3);
        Assert.That(cluster[1].Raft.Role, Is.EqualTo(RaftRole.Follower));
        Assert.That(cluster[1].ReadStates, Is.Empty, "the pending read died with the old term");
        Assert.That(cluster[1].Raft.CommitIndex, Is.GreaterThanOrEqualTo(newWriteIndex));
    }

    [Test]
    public void StaleLeader_PlantedReadWithoutLeadershipCheck_ServesStaleRead()
    {
        var cluster = new TestCluster(3, (_, c) => c with { PlantedBugs = PlantedBugs.ReadWithoutLeadershipCheck });
        cluster.Elect(1);
        cluster.Propose(1, "x=1");
        cluster.Stabilize();

        ulong newWriteIndex = IsolateLeaderAndCommitElsewhere(cluster);
        cluster[1].Raft.ReadIndex(42);
        cluster.Process();

        // The read started after x=2 was committed at newWriteIndex, yet it is released at an index before it: a stale read.
        Assert.That(cluster[1].ReadStates, Has.Count.EqualTo(1));
        Assert.That(cluster[1].ReadStates[0].Index, Is.LessThan(newWriteIndex));
        Assert.That(cluster.AppliedData(1), Does.Not.Contain("x=2"));
    }

    [Test]
    public void Leader_HealthyQuorum_ReleasesReadAtCommitIndexAfterOneHeartbeatRound()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Propose(1, "x=1");
        cluster.Stabilize();

        cluster[1].Raft.ReadIndex(7);
        cluster[1].Raft.ReadIndex(8);
        cluster.Process();
        Assert.That(cluster[1].ReadStates, Is.Empty, "not before a quorum answered");
        Assert.That(cluster.InFlight.Count(m => m.Type == RaftMessageType.Heartbeat), Is.EqualTo(2), "both reads share one round");
        cluster.Stabilize();

        Assert.That(cluster[1].ReadStates, Is.EqualTo(new[] { new ReadState(2, 7), new ReadState(2, 8) }));
    }

    [Test]
    public void NewLeader_BeforeItsFirstCommit_HoldsReadUntilNoOpCommits()
    {
        var cluster = new TestCluster(3);
        cluster[1].Raft.Campaign();
        for (int i = 0; i < 4 && cluster[1].Raft.Role != RaftRole.Leader; i++)
        {
            cluster.Process();
            cluster.Deliver();
        }

        Assert.That(cluster[1].Raft.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(cluster[1].Raft.CommitIndex, Is.Zero);
        cluster[1].Raft.ReadIndex(5);
        cluster.Process();
        Assert.That(cluster[1].ReadStates, Is.Empty);

        cluster.Stabilize();
        Assert.That(cluster[1].ReadStates, Is.EqualTo(new[] { new ReadState(1, 5) }));
    }

    [Test]
    public void Follower_ReadIndex_ForwardedToLeaderAndAnsweredWithLeaderCommit()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Propose(1, "x=1");
        cluster.Stabilize();

        Assert.That(cluster[3].Raft.ReadIndex(99), Is.EqualTo(ProposalStatus.Accepted));
        cluster.Stabilize();

        Assert.That(cluster[3].ReadStates, Is.EqualTo(new[] { new ReadState(2, 99) }));
        Assert.That(cluster[3].Raft.AppliedIndex, Is.GreaterThanOrEqualTo(2UL), "the follower can serve once applied through 2");
    }

    [Test]
    public void Follower_NoLeaderKnown_ReadIndexRefused()
    {
        var cluster = new TestCluster(3);
        Assert.That(cluster[2].Raft.ReadIndex(1), Is.EqualTo(ProposalStatus.NoLeader));
    }

    /// <summary>Cuts node 1 off, lets 2 and 3 elect a leader and commit x=2; returns x=2's index.</summary>
    private static ulong IsolateLeaderAndCommitElsewhere(TestCluster cluster)
    {
        cluster.Isolate(1);
        cluster.TickOnly(30, 2, 3);
        TestNode leader = cluster.Nodes.Single(n => n.Id != 1 && n.Raft.Role == RaftRole.Leader);
        ProposeResult write = cluster.Propose(leader.Id, "x=2");
        cluster.Stabilize();
        Assert.That(leader.Raft.CommitIndex, Is.GreaterThanOrEqualTo(write.Index));
        return write.Index;
    }
}
