using DKV.Consensus.Raft;
using DKV.Consensus.Tests.Scenarios.Harness;

namespace DKV.Consensus.Tests.Scenarios;

/// <summary>Partitions: check-quorum, pre-vote (thesis 9.6) and repair of a conflicting log suffix (paper figure 7).</summary>
[CancelAfter(30_000)]
public sealed class PartitionScenarioTests
{
    [Test]
    public void PartitionedOldLeader_MinoritySide_CannotCommitAndStepsDown()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Propose(1, "before");
        cluster.Stabilize();

        cluster.Isolate(1);
        ProposeResult lost = cluster.Propose(1, "lost");
        Assert.That(lost.IsAccepted, Is.True, "the old leader does not know yet");
        cluster.TickAll(20); // a full election timeout without hearing from a quorum (at most two check rounds)

        Assert.That(cluster[1].Raft.Role, Is.Not.EqualTo(RaftRole.Leader), "check-quorum: the isolated leader steps down");
        Assert.That(cluster[1].Raft.CommitIndex, Is.LessThan(lost.Index), "the minority side never commits");

        cluster.TickAll(20);
        TestNode leader = cluster.Leader!;
        Assert.That(leader.Id, Is.Not.EqualTo(1UL));
        cluster.Propose(leader.Id, "after");
        cluster.Stabilize();

        cluster.HealAll();
        cluster.TickAll(5);
        Assert.That(cluster.AppliedData(1), Is.EqualTo(new[] { "before", "after" }), "the uncommitted entry is replaced");
        Assert.That(cluster.Violations, Is.Empty);
    }

    [Test]
    public void ConflictingSuffix_FollowerWithStaleUncommittedEntries_ReplacedByLeaderLog()
    {
        // Figure 7 (f)-like: node 3 kept entries of terms 2 and 3 that no one else has; nodes 1 and 2 moved on in term 4.
        var cluster = new TestCluster(3, null, seed: 3, id => id switch
        {
            3 => Logs.Stored(3, 0, 1, 2, 2, 3, 3, 3),
            _ => Logs.Stored(4, 1, 1, 4, 4),
        });

        cluster.Elect(1);
        cluster.Propose(1, "x");
        cluster.Stabilize();

        ulong[] leaderTerms = Logs.Terms(cluster[1].Storage);
        Assert.That(leaderTerms, Is.EqualTo(new ulong[] { 1, 4, 4, 5, 5 }));
        Assert.That(Logs.Terms(cluster[3].Storage), Is.EqualTo(leaderTerms), "the conflicting suffix is truncated and replaced");
        Assert.That(cluster[3].Raft.CommitIndex, Is.EqualTo(5UL));
        Assert.That(cluster.Violations, Is.Empty);
    }

    [Test]
    public void PreVote_PartitionedFollowerRejoins_StableLeaderKeepsItsTerm()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        ulong term = cluster[1].Raft.Term;

        cluster.Isolate(3);
        cluster.TickAll(100); // node 3 times out again and again

        Assert.That(cluster[3].Raft.Term, Is.EqualTo(term), "pre-vote rounds do not raise the term");
        cluster.HealAll();
        cluster.TickAll(30);

        Assert.That(cluster.Leader!.Id, Is.EqualTo(1UL));
        Assert.That(cluster.Nodes.Select(n => n.Raft.Term), Is.All.EqualTo(term), "the leader was not disrupted");
    }

    [Test]
    public void WithoutPreVote_PartitionedFollowerRejoins_DisruptsLeader()
    {
        // The contrast to the test above: without pre-vote (and without check-quorum's leader stickiness) the rejoining node's
        // inflated term deposes the healthy leader.
        var cluster = new TestCluster(3, (_, c) => c with { PreVote = false, CheckQuorum = false });
        cluster.Elect(1);
        ulong term = cluster[1].Raft.Term;

        cluster.Isolate(3);
        cluster.TickAll(100);
        Assert.That(cluster[3].Raft.Term, Is.GreaterThan(term + 2));
        cluster.HealAll();
        cluster.TickAll(30);

        Assert.That(cluster.Leader!.Raft.Term, Is.GreaterThan(term), "the old leader was forced out by a new term");
    }

    [Test]
    public void PreVote_LaggingNodeRejoinsAsLeaderIsCutOff_GroupStillElectsALeader()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Isolate(3);
        cluster.Propose(1, "only on 1 and 2");
        cluster.Stabilize();

        cluster.HealAll();
        cluster.Isolate(1);
        cluster.TickAll(40);

        TestNode leader = cluster.Leader!;
        Assert.That(leader.Id, Is.EqualTo(2UL), "node 3's log is behind, so only node 2 can win");
        Assert.That(cluster.AppliedData(3), Is.EqualTo(new[] { "only on 1 and 2" }));
        Assert.That(cluster.Violations, Is.Empty);
    }

    [Test]
    public void CheckQuorum_CandidateStuckAtHigherTerm_FreedAndGroupConverges()
    {
        // Without pre-vote, an isolated node inflates its term; with check-quorum the others ignore its votes while their
        // leader is live, but the leader's appends make it answer with its term, so the group moves past it and converges.
        var cluster = new TestCluster(3, (_, c) => c with { PreVote = false, CheckQuorum = true });
        cluster.Elect(1);
        cluster.Isolate(3);
        cluster.TickAll(60);
        Assert.That(cluster[3].Raft.Role, Is.EqualTo(RaftRole.Candidate));
        ulong stuckTerm = cluster[3].Raft.Term;

        cluster.HealAll();
        cluster.TickAll(60);

        TestNode leader = cluster.Leader!;
        Assert.That(leader.Raft.Term, Is.GreaterThanOrEqualTo(stuckTerm));
        Assert.That(cluster.Nodes.Select(n => n.Raft.Term), Is.All.EqualTo(leader.Raft.Term));
        Assert.That(cluster.Nodes.Count(n => n.Raft.Role == RaftRole.Leader), Is.EqualTo(1));
    }
}
