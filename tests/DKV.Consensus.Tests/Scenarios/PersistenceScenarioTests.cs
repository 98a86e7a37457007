using DKV.Consensus.Raft;
using DKV.Consensus.Tests.Scenarios.Harness;

namespace DKV.Consensus.Tests.Scenarios;

/// <summary>Term and vote are durable before any message depends on them (paper figure 2; raft-testing.md S8).</summary>
[CancelAfter(30_000)]
public sealed class PersistenceScenarioTests
{
    [Test]
    public void Vote_VoterCrashesRightAfterVoting_RemembersVoteAndRefusesSecondCandidate()
    {
        TestCluster cluster = VoteThenCrashVoter(PlantedBugs.None);

        Assert.That(cluster[3].Storage.HardState, Is.EqualTo(new HardState(1, 1, 0)), "the vote was durable before it was sent");
        Assert.That(cluster[2].Raft.Role, Is.Not.EqualTo(RaftRole.Leader));
        Assert.That(cluster.Violations, Is.Empty);
    }

    [Test]
    public void Vote_PlantedVoteBeforePersist_TwoLeadersInOneTerm()
    {
        TestCluster cluster = VoteThenCrashVoter(PlantedBugs.VoteBeforePersist);

        Assert.That(cluster[2].Raft.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(cluster.Violations, Has.Some.Contains("election safety"));
    }

    [Test]
    public void Ready_VoteResponse_TravelsWithTheHardStateThatRecordsIt()
    {
        var cluster = new TestCluster(3, (_, c) => c with { PreVote = false });
        cluster[1].Raft.Campaign();
        cluster.Process();
        cluster.Deliver(m => m.To == 2);

        Ready ready = cluster[2].Raft.GetReady();
        Assert.That(ready.Messages.Single().Type, Is.EqualTo(RaftMessageType.VoteResponse));
        Assert.That(ready.HardState, Is.EqualTo(new HardState(1, 1, 0)));
        Assert.That(ready.MustSync, Is.True);
    }

    /// <summary>
    /// Node 1 asks for votes in term 1; node 3 handles one ready batch (its vote leaves) and crashes. Node 1 wins with it.
    /// Node 3 restarts; node 2, which never heard of term 1, campaigns in term 1 and asks node 3.
    /// </summary>
    private static TestCluster VoteThenCrashVoter(PlantedBugs bugs)
    {
        var cluster = new TestCluster(3, (_, c) => c with { PreVote = false, PlantedBugs = bugs });
        cluster[1].Raft.Campaign();
        cluster.Process();
        cluster.Drop(m => m.To == 2);
        cluster.Deliver(m => m.To == 3);
        cluster.ProcessOne(3);
        cluster.Crash(3);
        cluster.Deliver();
        cluster.Process();
        Assert.That(cluster[1].Raft.Role, Is.EqualTo(RaftRole.Leader));
        cluster.Drop(_ => true);

        cluster.Restart(3);
        cluster.Isolate(1);
        cluster[2].Raft.Campaign();
        cluster.Stabilize();
        Assert.That(cluster[2].Raft.Term, Is.EqualTo(1UL));
        return cluster;
    }
}
