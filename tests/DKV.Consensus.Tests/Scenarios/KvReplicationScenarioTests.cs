using System.Text;
using DKV.Consensus.Raft;
using DKV.Consensus.StateMachine;
using DKV.Consensus.Tests.Core;
using DKV.Consensus.Tests.Scenarios.Harness;

namespace DKV.Consensus.Tests.Scenarios;

/// <summary>The KV state machine on top of the replicated log: replicas agree, deadlines come from the leader, reads use ReadIndex.</summary>
[CancelAfter(30_000)]
public sealed class KvReplicationScenarioTests
{
    private static readonly long s_leaderClock = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc).Ticks;

    [Test]
    public void KvWrites_AcrossLeaderChange_EveryReplicaHasSameStateAndDeadlines()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        Propose(cluster, 1, new KvCommand(KvOperation.Set, "a", Bytes("1"), default, TimeSpan.Zero, TimeSpan.Zero, s_leaderClock, 5, 1));
        Propose(cluster, 1, new KvCommand(KvOperation.SetE, "ttl", Bytes("x"), default, TimeSpan.FromMinutes(1), TimeSpan.Zero, s_leaderClock, 5, 2));
        cluster.Stabilize();

        cluster.Crash(1);
        cluster.TickAll(25);
        ulong leader = cluster.Leader!.Id;
        Propose(cluster, leader, new KvCommand(KvOperation.CompareAndSetE, "a", Bytes("2"), Bytes("1"), TimeSpan.Zero, TimeSpan.Zero, s_leaderClock + 10, 6, 1));
        cluster.Stabilize();
        cluster.Restart(1);
        cluster.TickAll(3);

        long beforeExpiry = s_leaderClock + TimeSpan.FromMinutes(1).Ticks - 1;
        foreach (TestNode node in cluster.Nodes)
        {
            KvStateMachine sm = Replay(node);
            Assert.That(Encoding.UTF8.GetString(sm.Get("a", beforeExpiry).Value.Span), Is.EqualTo("2"), $"node {node.Id}");
            Assert.That(sm.Get("ttl", beforeExpiry).Found, Is.True, $"node {node.Id}");
            Assert.That(sm.Get("ttl", beforeExpiry + 1).Found, Is.False, $"node {node.Id}: the deadline is the leader's stamp + 1 minute");
        }
    }

    [Test]
    public void FollowerRead_AfterReadIndexAndApply_SeesLatestCommittedWrite()
    {
        var cluster = new TestCluster(3);
        cluster.Elect(1);
        Propose(cluster, 1, new KvCommand(KvOperation.Set, "k", Bytes("new"), default, TimeSpan.Zero, TimeSpan.Zero, s_leaderClock, 1, 1));
        cluster.Stabilize();

        cluster[3].Raft.ReadIndex(1234);
        cluster.Stabilize();

        ReadState read = cluster[3].ReadStates.Single(r => r.Context == 1234);
        Assert.That(cluster[3].AppliedIndex, Is.GreaterThanOrEqualTo(read.Index), "serve only once applied through the read index");
        Assert.That(Encoding.UTF8.GetString(Replay(cluster[3]).Get("k", s_leaderClock).Value.Span), Is.EqualTo("new"));
    }

    private static void Propose(TestCluster cluster, ulong id, KvCommand command) =>
        Assert.That(cluster[id].Raft.Propose(KvCommandCodec.Encode(command)).IsAccepted, Is.True);

    /// <summary>A fresh state machine fed the node's applied entries in order (the harness keeps them all: no snapshots here).</summary>
    private static KvStateMachine Replay(TestNode node)
    {
        var sm = new KvStateMachine(new DictionaryKvdb());
        foreach (LogEntry entry in node.Applied.Values)
        {
            sm.Apply(entry);
        }

        return sm;
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}
