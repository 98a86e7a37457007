using DKV.Consensus.Raft;
using DKV.Consensus.Tests.Scenarios.Harness;

namespace DKV.Consensus.Tests.Core;

/// <summary>Leader-side replication: batching, flow control, byte limits, back-off and the proposal bound.</summary>
public sealed class ReplicationTests
{
    [Test]
    public void Propose_ManyBeforeOneReady_OneAppendPerFollowerCarriesAll()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);

        for (int i = 0; i < 100; i++)
        {
            Assert.That(cluster.Propose(1, $"p{i}").IsAccepted, Is.True);
        }

        cluster.ProcessOne(1);
        var appends = cluster.InFlight.Where(m => m.Type == RaftMessageType.Append).ToList();
        Assert.That(appends, Has.Count.EqualTo(2));
        Assert.That(appends.Select(m => m.Entries.Length), Is.All.EqualTo(100));
        cluster.Stabilize();
        Assert.That(cluster.AppliedData(3), Has.Count.EqualTo(100));
    }

    [Test]
    public void Replicate_FollowerSilent_AtMostMaxInflightAppendsOutstanding()
    {
        var cluster = new TestCluster(3, (_, c) => c with { MaxInflightMessages = 2, MaxAppendBytes = 1 });
        cluster.Elect(1);
        cluster.Isolate(1, 3); // node 3 gets nothing; node 2 keeps the quorum
        cluster.InFlight.Clear();

        for (int i = 0; i < 10; i++)
        {
            cluster.Propose(1, $"p{i}");
        }

        cluster.ProcessOne(1);
        Assert.That(cluster.InFlight.Count(m => m.Type == RaftMessageType.Append && m.To == 3), Is.EqualTo(2), "window of two");
        Assert.That(cluster.InFlight.Count(m => m.Type == RaftMessageType.Append && m.To == 2), Is.EqualTo(2));

        cluster.Stabilize();
        Assert.That(cluster[2].Raft.CommitIndex, Is.EqualTo(11UL), "acks open the window again until everything is sent");
    }

    [Test]
    public void Append_MaxAppendBytes_SplitsEntriesButAlwaysSendsOne()
    {
        var cluster = new TestCluster(3, (_, c) => c with { MaxAppendBytes = 100 });
        cluster.Elect(1);
        cluster.Propose(1, new string('a', 60));
        cluster.Propose(1, new string('b', 60));
        cluster.Propose(1, new string('c', 500));

        cluster.ProcessOne(1);
        var toTwo = cluster.InFlight.Where(m => m.Type == RaftMessageType.Append && m.To == 2).ToList();

        Assert.That(toTwo.Select(m => m.Entries.Length), Is.EqualTo(new[] { 1, 1, 1 }));
        cluster.Stabilize();
        Assert.That(cluster[2].Raft.CommitIndex, Is.EqualTo(4UL));
    }

    [Test]
    public void Propose_UncommittedBytesFull_Overloaded()
    {
        var cluster = new TestCluster(3, (_, c) => c with { MaxUncommittedBytes = 200 });
        cluster.Elect(1);
        cluster.Isolate(1);

        var results = Enumerable.Range(0, 10).Select(i => cluster.Propose(1, new string('x', 40)).Status).ToList();

        Assert.That(results, Does.Contain(ProposalStatus.Overloaded));
        Assert.That(results.TakeWhile(s => s == ProposalStatus.Accepted).Count(), Is.GreaterThan(0));
    }

    [Test]
    public void Propose_OnFollower_NotLeaderWithoutChangingAnything()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        ulong last = cluster[2].Raft.LastIndex;

        Assert.That(cluster.Propose(2, "x").Status, Is.EqualTo(ProposalStatus.NotLeader));
        Assert.That(cluster[2].Raft.LastIndex, Is.EqualTo(last));
    }

    [Test]
    public void Backoff_FollowerWithLongConflictingSuffix_RepairedInFewRoundTrips()
    {
        // Node 3 holds 50 entries of term 2 that nobody else has; the leader's log has 50 of term 3 after index 1.
        ulong[] stale = [1, .. Enumerable.Repeat(2UL, 50)];
        ulong[] fresh = [1, .. Enumerable.Repeat(3UL, 50)];
        var cluster = new TestCluster(3, null, 5, id => id == 3 ? Logs.Stored(3, 0, stale) : Logs.Stored(3, 0, fresh));
        cluster.Elect(1);

        int rejections = 0;
        for (int i = 0; i < 20; i++)
        {
            cluster.Process();
            rejections += cluster.InFlight.Count(m => m.Type == RaftMessageType.AppendResponse && m.Reject);
            cluster.Deliver();
        }

        Assert.That(Logs.Terms(cluster[3].Storage), Is.EqualTo(Logs.Terms(cluster[1].Storage)));
        Assert.That(rejections, Is.LessThanOrEqualTo(2), "the conflict-term hint skips the whole stale term at once");
    }

    [Test]
    public void Follower_AppendWithMismatchedPrevious_RejectsWithHint()
    {
        var cluster = new TestCluster(3, null, 1, id => id == 2 ? Logs.Stored(2, 0, 1, 1, 2) : Logs.Stored(2, 0));
        cluster[2].Raft.Step(new RaftMessage
        {
            Type = RaftMessageType.Append, GroupId = 7, From = 1, To = 2, Term = 3, Index = 5, LogTerm = 3, Commit = 0,
        });

        Ready ready = cluster[2].Raft.GetReady();
        RaftMessage response = ready.Messages.Single();
        Assert.That(response.Reject, Is.True);
        Assert.That(response.Index, Is.EqualTo(5UL));
        Assert.That((response.RejectHint, response.LogTerm), Is.EqualTo((3UL, 2UL)), "our last index and its term");
    }
}
