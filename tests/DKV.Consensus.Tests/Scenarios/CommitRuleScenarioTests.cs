using DKV.Consensus.Raft;
using DKV.Consensus.Tests.Scenarios.Harness;

namespace DKV.Consensus.Tests.Scenarios;

/// <summary>
/// Raft paper figure 8 (section 5.4.2): a leader must not commit an entry of an earlier term by counting replicas.
/// S1 led term 2 and put (t2, i2) on S1 and S2; S5 led term 3 and put (t3, i2) on itself only. S1 now wins term 4.
/// </summary>
[CancelAfter(30_000)]
public sealed class CommitRuleScenarioTests
{
    private static TestCluster Figure8(PlantedBugs bugs) => new(
        5,
        (_, c) => c with { PlantedBugs = bugs, MaxAppendBytes = 1, CheckQuorum = false },
        seed: 8,
        id => id switch
        {
            1 or 2 => Logs.Stored(3, 0, 1, 2),
            5 => Logs.Stored(3, 5, 1, 3),
            _ => Logs.Stored(3, 5, 1),
        });

    [Test]
    public void Figure8_EarlierTermEntryOnMajority_NotCommittedUntilCurrentTermEntryIs()
    {
        TestCluster cluster = Figure8(PlantedBugs.None);
        TestNode s1 = WinTerm4AndReplicateIndex2ToS3Only(cluster);

        Assert.That(s1.Raft.CommitIndex, Is.Zero, "(t2, i2) is on S1, S2 and S3 but must not be committed by counting");

        // S1 crashes before committing anything of term 4; S5 is elected with S3 and S4 and overwrites index 2: legal, as
        // index 2 was never committed.
        cluster.Crash(1);
        TestNode s5 = ElectS5WithS3AndS4(cluster);
        Assert.That(s5.Raft.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(cluster.Violations, Is.Empty);
        Assert.That(Logs.Terms(cluster[3].Storage), Is.EqualTo(new ulong[] { 1, 3, s5.Raft.Term }));
    }

    [Test]
    public void Figure8_CurrentTermEntryReplicated_CommitsEarlierEntriesWithIt()
    {
        TestCluster cluster = Figure8(PlantedBugs.None);
        TestNode s1 = WinTerm4AndReplicateIndex2ToS3Only(cluster);

        cluster.TickAll(2); // heartbeats reveal that S3, S4 and S5 lack the no-op (t4, i3); it is sent to them

        Assert.That(s1.Raft.CommitIndex, Is.EqualTo(3UL));
        Assert.That(Logs.Terms(cluster[5].Storage), Is.EqualTo(new ulong[] { 1, 2, 4 }), "S5's (t3, i2) was replaced");
        Assert.That(cluster.Violations, Is.Empty);
    }

    [Test]
    public void Figure8_PlantedCommitByCount_CommittedEntryIsOverwritten()
    {
        TestCluster cluster = Figure8(PlantedBugs.CommitPreviousTermByCount);
        TestNode s1 = WinTerm4AndReplicateIndex2ToS3Only(cluster);
        Assert.That(s1.Raft.CommitIndex, Is.EqualTo(2UL), "the planted bug commits (t2, i2) by counting");
        cluster.Process(); // S1 applies (t2, i2)
        cluster.InFlight.Clear(); // S1's later messages are lost

        cluster.Crash(1);
        TestNode s5 = ElectS5WithS3AndS4(cluster);
        cluster.Process();
        cluster.Stabilize();

        Assert.That(s5.Raft.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(cluster.Violations, Has.Some.Contains("state machine safety"), "index 2 was applied as term 2 and as term 3");
    }

    /// <summary>S1 wins term 4 with S2 and S3, then (t2, i2) reaches S3 in an append of its own; the no-op (t4, i3) is held back.</summary>
    private static TestNode WinTerm4AndReplicateIndex2ToS3Only(TestCluster cluster)
    {
        TestNode s1 = cluster[1];
        s1.Raft.Campaign();
        cluster.Process();
        cluster.Deliver(m => m.To is 2 or 3); // pre-votes to S2, S3
        cluster.Process();
        cluster.Deliver(m => m.To == 1);
        cluster.Process();
        cluster.Deliver(m => m.To is 2 or 3); // votes to S2, S3
        cluster.Process();
        cluster.Deliver(m => m.To == 1);
        cluster.Process();
        Assert.That(s1.Raft.Role, Is.EqualTo(RaftRole.Leader));
        Assert.That(s1.Raft.Term, Is.EqualTo(4UL));

        // S2 receives everything; S3 receives (t2, i2) after the back-off but never the no-op (t4, i3), thanks to
        // MaxAppendBytes = 1 (one entry per append). S4 and S5 hear nothing.
        for (int round = 0; round < 10; round++)
        {
            cluster.Drop(m => m.To is 4 or 5 || (m.To == 3 && m.Type == RaftMessageType.Append
                && cluster[3].Raft.LastIndex >= 2 && m.Entries.ToArray().Any(e => e.Term == 4)));
            cluster.Deliver();
            cluster.Process();
        }

        Assert.That(Logs.Terms(cluster[2].Storage), Is.EqualTo(new ulong[] { 1, 2, 4 }));
        Assert.That(Logs.Terms(cluster[3].Storage), Is.EqualTo(new ulong[] { 1, 2 }));
        return s1;
    }

    /// <summary>S5 campaigns (twice if its first pre-vote only taught it the current term) and wins with S3 and S4.</summary>
    private static TestNode ElectS5WithS3AndS4(TestCluster cluster)
    {
        for (int attempt = 0; attempt < 3 && cluster[5].Raft.Role != RaftRole.Leader; attempt++)
        {
            cluster.Drop(_ => true);
            cluster[5].Raft.Campaign();
            for (int round = 0; round < 10; round++)
            {
                cluster.Process();
                cluster.Drop(m => m.To is not (3 or 4 or 5) || m.From is not (3 or 4 or 5));
                cluster.Deliver();
            }
        }

        cluster.Process();
        return cluster[5];
    }
}
