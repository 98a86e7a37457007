using DKV.Consensus.Raft;
using DKV.Consensus.Storage;
using DKV.Consensus.Tests.Scenarios.Harness;

namespace DKV.Consensus.Tests.Core;

/// <summary>The ready/advance contract and the invariants the core refuses to break.</summary>
public sealed class ReadyContractTests
{
    [Test]
    public void GetReady_TwiceWithoutAdvance_Throws()
    {
        var node = Single();
        node.Campaign();
        node.GetReady();
        Assert.Throws<RaftSafetyException>(() => node.GetReady());
    }

    [Test]
    public void Advance_ForeignReady_Throws()
    {
        var a = Single();
        var b = Single();
        a.Campaign();
        b.Campaign();
        Ready fromA = a.GetReady();
        b.GetReady();
        Assert.Throws<RaftSafetyException>(() => b.Advance(fromA));
    }

    [Test]
    public void Follower_StaleAppendBelowCommit_KeepsCommittedEntries()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        cluster.Propose(1, "committed");
        cluster.Stabilize();
        Assert.That(cluster[2].Raft.CommitIndex, Is.EqualTo(2UL));

        // A (buggy or forged) leader of a later term claims index 2 holds something else.
        var forged = new RaftMessage
        {
            Type = RaftMessageType.Append, GroupId = 7, From = 3, To = 2, Term = 9, Index = 1, LogTerm = 1,
            Entries = new[] { new LogEntry(2, 9, EntryType.Normal, new byte[] { 1 }) },
        };

        cluster[2].Raft.Step(forged);
        cluster.Process();

        Assert.That(Logs.Terms(cluster[2].Storage), Is.EqualTo(new ulong[] { 1, 1 }), "committed entries are never replaced");
    }

    [Test]
    public void Follower_HeartbeatCommitBeyondItsLog_Throws()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        var forged = new RaftMessage { Type = RaftMessageType.Heartbeat, GroupId = 7, From = 1, To = 2, Term = cluster[1].Raft.Term, Commit = 50 };

        Assert.Throws<RaftSafetyException>(() => cluster[2].Raft.Step(forged));
    }

    [Test]
    public void Step_MessageForAnotherGroup_Throws()
    {
        var node = Single();
        var message = new RaftMessage { Type = RaftMessageType.Heartbeat, GroupId = 99, From = 2, To = 1, Term = 1 };
        Assert.Throws<ArgumentException>(() => node.Step(message));
    }

    [Test]
    public void Restart_PersistedCommitBeyondLog_Throws()
    {
        var storage = Logs.Stored(1, 1, 1);
        storage.SetHardState(new HardState(1, 1, 5));
        Assert.Throws<RaftSafetyException>(() => new RaftNode(Config(1), storage, new SeededRandomSource(1)));
    }

    [Test]
    public void Restart_FromStorage_KeepsTermVoteAndCommit()
    {
        var storage = Logs.Stored(4, 2, 1, 2, 4);
        storage.SetHardState(new HardState(4, 2, 2));
        var node = new RaftNode(Config(3), storage, new SeededRandomSource(1));

        Assert.That((node.Term, node.Vote, node.CommitIndex, node.LastIndex), Is.EqualTo((4UL, 2UL, 2UL, 3UL)));
        Ready ready = node.GetReady();
        Assert.That(ready.CommittedEntries.Length, Is.EqualTo(2), "committed entries are applied again after restart");
        Assert.That(ready.HardState, Is.Null, "nothing changed, nothing to persist");
    }

    [Test]
    public void Ready_EmptyAfterAdvance_HasReadyFalse()
    {
        var storage = new MemoryRaftStorage();
        var node = new RaftNode(Config(1), storage, new SeededRandomSource(1));
        node.Campaign();
        while (node.HasReady)
        {
            Ready ready = node.GetReady();
            storage.Persist(ready);
            node.Advance(ready);
        }

        Assert.That(node.CommitIndex, Is.EqualTo(1UL));
        Assert.That(node.AppliedIndex, Is.EqualTo(1UL));
    }

    private static RaftNode Single() => new(Config(1), new MemoryRaftStorage(), new SeededRandomSource(1));

    private static RaftConfig Config(int voters) =>
        new() { NodeId = 1, GroupId = 1, Voters = [.. Enumerable.Range(1, voters).Select(i => (ulong)i)] };
}
