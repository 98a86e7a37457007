using DKV.Consensus.Raft;
using DKV.Consensus.Tests.Scenarios.Harness;

namespace DKV.Consensus.Tests.Scenarios;

/// <summary>Raft paper section 5.2: leader election, split votes and re-election after a leader crash.</summary>
[CancelAfter(30_000)]
public sealed class LeaderElectionScenarioTests
{
    [Test]
    public void Election_ThreeNodesAfterTimeout_OneLeaderAndItsNoOpCommittedEverywhere()
    {
        var cluster = new TestCluster(3);

        cluster.TickAll(25); // at most 2 x ElectionTicks before someone times out

        TestNode leader = cluster.Leader!;
        Assert.That(leader, Is.Not.Null);
        Assert.That(cluster.Nodes.Count(n => n.Raft.Role == RaftRole.Leader), Is.EqualTo(1));
        Assert.That(cluster.Nodes.Select(n => n.Raft.LeaderId), Is.All.EqualTo(leader.Id));
        Assert.That(cluster.Nodes.Select(n => n.Raft.Term), Is.All.EqualTo(leader.Raft.Term));
        Assert.That(cluster.Nodes.Select(n => n.Raft.CommitIndex), Is.All.EqualTo(1UL), "the new leader's no-op commits");
        Assert.That(cluster.Violations, Is.Empty);
    }

    [Test]
    public void Election_SingleNode_BecomesLeaderAndCommitsOnlyAfterPersisting()
    {
        var cluster = new TestCluster(1);
        TestNode node = cluster[1];

        node.Raft.Campaign();
        Ready first = node.Raft.GetReady();

        Assert.That(node.Raft.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(first.Entries.Length, Is.EqualTo(1), "the no-op is handed out to persist");
        Assert.That(first.CommittedEntries.IsEmpty, Is.True, "nothing is committed before it is durable (etcd #14370)");
        node.Storage.Persist(first);
        node.Raft.Advance(first);

        Ready second = node.Raft.GetReady();
        Assert.That(second.CommittedEntries.Length, Is.EqualTo(1));
        Assert.That(second.HardState?.Commit, Is.EqualTo(1UL));
    }

    [Test]
    public void SplitVote_TwoCandidatesInOneTerm_RandomizedTimeoutsElectOneLeaderLater()
    {
        var cluster = new TestCluster(4, (_, c) => c with { PreVote = false });

        // Nodes 1 and 2 campaign in the same term; 3 votes for 1 and 4 votes for 2: two votes each, three needed.
        cluster[1].Raft.Campaign();
        cluster[2].Raft.Campaign();
        cluster.Process();
        cluster.Deliver(m => m.Type == RaftMessageType.Vote && ((m.From == 1 && m.To == 3) || (m.From == 2 && m.To == 4)));
        cluster.Drop(m => m.Type == RaftMessageType.Vote);
        cluster.Stabilize();
        Assert.That(cluster.Nodes.Count(n => n.Raft.Role == RaftRole.Leader), Is.Zero, "the vote is split");
        Assert.That(cluster[1].Raft.Term, Is.EqualTo(1UL));
        Assert.That(cluster[2].Raft.Term, Is.EqualTo(1UL));

        cluster.TickAll(40);

        TestNode leader = cluster.Leader!;
        Assert.That(leader, Is.Not.Null, "randomized timeouts break the tie");
        Assert.That(leader.Raft.Term, Is.GreaterThan(1UL));
        Assert.That(cluster.Nodes.Count(n => n.Raft.Role == RaftRole.Leader), Is.EqualTo(1));
        Assert.That(cluster.Violations, Is.Empty);
    }

    [Test]
    public void LeaderCrash_RemainingMajority_ElectsNewLeaderWithEveryCommittedEntry()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Propose(1, "a");
        cluster.Propose(1, "b");
        cluster.Stabilize();

        cluster.Crash(1);
        cluster.TickAll(25);

        TestNode leader = cluster.Leader!;
        Assert.That(leader.Id, Is.Not.EqualTo(1UL));
        Assert.That(leader.Raft.Term, Is.GreaterThan(cluster[1].Raft.Term));
        cluster.Propose(leader.Id, "c");
        cluster.Stabilize();
        Assert.That(cluster.AppliedData(2), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(cluster.AppliedData(3), Is.EqualTo(new[] { "a", "b", "c" }));

        cluster.Restart(1);
        cluster.TickAll(5);
        Assert.That(cluster.AppliedData(1), Is.EqualTo(new[] { "a", "b", "c" }), "the old leader rejoins as follower and catches up");
        Assert.That(cluster.Violations, Is.Empty);
    }
}
