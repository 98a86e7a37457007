using DKV.Consensus.Raft;
using DKV.Consensus.Tests.Scenarios.Harness;

namespace DKV.Consensus.Tests.Core;

/// <summary>The vote restriction (paper section 5.4.1), one vote per term, and leader stickiness (thesis section 9.6).</summary>
public sealed class VoteRulesTests
{
    // Voter's log: (t1, i1), (t2, i2). Candidate's last entry (term, index) and whether the vote is granted (etcd-raft TestVoter).
    [TestCase(2UL, 2UL, true)]
    [TestCase(2UL, 3UL, true)]
    [TestCase(3UL, 1UL, true)]
    [TestCase(2UL, 1UL, false)]
    [TestCase(1UL, 5UL, false)]
    [TestCase(0UL, 0UL, false)]
    public void Vote_CandidateLogVersusVoterLog_GrantedOnlyWhenAtLeastAsUpToDate(ulong lastTerm, ulong lastIndex, bool granted)
    {
        var cluster = new TestCluster(3, (_, c) => c with { CheckQuorum = false }, 1, _ => Logs.Stored(2, 0, 1, 2));

        cluster[2].Raft.Step(VoteRequest(from: 1, to: 2, term: 3, lastTerm, lastIndex));

        RaftMessage response = cluster[2].Raft.GetReady().Messages.Single();
        Assert.That(response.Type, Is.EqualTo(RaftMessageType.VoteResponse));
        Assert.That(response.Reject, Is.EqualTo(!granted));
    }

    [Test]
    public void Vote_SecondCandidateSameTerm_Rejected()
    {
        var cluster = new TestCluster(3, (_, c) => c with { CheckQuorum = false });
        TestNode voter = cluster[3];

        voter.Raft.Step(VoteRequest(1, 3, 1, 0, 0));
        voter.Raft.Step(VoteRequest(2, 3, 1, 0, 0));
        voter.Raft.Step(VoteRequest(1, 3, 1, 0, 0)); // a retransmission from the node it voted for is granted again

        Assert.That(voter.Raft.GetReady().Messages.Select(m => m.Reject), Is.EqualTo(new[] { false, true, false }));
    }

    [Test]
    public void Vote_FollowerHearingLiveLeader_IgnoresHigherTermCandidate()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        ulong term = cluster[2].Raft.Term;

        cluster[2].Raft.Step(VoteRequest(3, 2, term + 5, term, 100));

        Assert.That(cluster[2].Raft.Term, Is.EqualTo(term), "leader stickiness: the vote is ignored, the term unchanged");
        Assert.That(cluster[2].Raft.HasReady, Is.False);
    }

    [Test]
    public void PreVote_Granted_ChangesNeitherTermNorVote()
    {
        var cluster = new TestCluster(3);
        TestNode voter = cluster[2];

        voter.Raft.Step(new RaftMessage { Type = RaftMessageType.PreVote, GroupId = 7, From = 1, To = 2, Term = 1 });

        Ready ready = voter.Raft.GetReady();
        Assert.That(ready.Messages.Single().Reject, Is.False);
        Assert.That(ready.Messages.Single().Term, Is.EqualTo(1UL), "answered for the term the pre-candidate would use");
        Assert.That((voter.Raft.Term, voter.Raft.Vote), Is.EqualTo((0UL, 0UL)));
        Assert.That(ready.HardState, Is.Null);
    }

    [Test]
    public void Snapshot_OlderThanFollowerCommit_IgnoredAndAnsweredWithCommit()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Propose(1, "a");
        cluster.Propose(1, "b");
        cluster.Stabilize();
        var old = new RaftSnapshot(new SnapshotMetadata(1, 1, [1, 2, 3]), default);

        cluster[2].Raft.Step(new RaftMessage { Type = RaftMessageType.InstallSnapshot, GroupId = 7, From = 1, To = 2, Term = cluster[1].Raft.Term, Snapshot = old });

        Ready ready = cluster[2].Raft.GetReady();
        Assert.That(ready.Snapshot, Is.Null);
        Assert.That(ready.Messages.Single().Index, Is.EqualTo(3UL));
    }

    private static RaftMessage VoteRequest(ulong from, ulong to, ulong term, ulong lastTerm, ulong lastIndex) => new()
    {
        Type = RaftMessageType.Vote, GroupId = 7, From = from, To = to, Term = term, LogTerm = lastTerm, Index = lastIndex,
    };
}
