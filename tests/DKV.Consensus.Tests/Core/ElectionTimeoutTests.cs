using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Consensus.Tests.Core;

/// <summary>Randomized election timeouts (paper section 5.2; etcd-raft testNonleaderElectionTimeoutRandomized).</summary>
public sealed class ElectionTimeoutTests
{
    private const int ElectionTicks = 10;

    [Test]
    public void Follower_ManyRounds_TimesOutAtEveryTickInElectionToTwiceElection()
    {
        var seen = new HashSet<int>();
        var node = NewNode(3, seed: 42, preVote: false);
        for (int round = 0; round < 50 * ElectionTicks; round++)
        {
            ulong term = node.Term;
            int ticks = 0;
            while (node.Term == term)
            {
                node.Tick();
                ticks++;
            }

            seen.Add(ticks);
            Drain(node);
        }

        Assert.That(seen, Is.EquivalentTo(Enumerable.Range(ElectionTicks, ElectionTicks)));
    }

    [Test]
    public void FiveFollowers_ManyRounds_RarelyTimeOutOnTheSameTick()
    {
        int conflicts = 0;
        const int rounds = 1000;
        for (int round = 0; round < rounds; round++)
        {
            var timeouts = Enumerable.Range(1, 5).Select(id => TicksUntilCampaign(NewNode(5, (ulong)((round * 5) + id), false, (ulong)id))).ToList();
            if (timeouts.Count(t => t == timeouts.Min()) > 1)
            {
                conflicts++;
            }
        }

        Assert.That(conflicts, Is.LessThanOrEqualTo(rounds * 3 / 10));
    }

    [Test]
    public void SameSeed_SameInputs_SameTimeouts()
    {
        Assert.That(TicksUntilCampaign(NewNode(3, 7, true)), Is.EqualTo(TicksUntilCampaign(NewNode(3, 7, true))));
    }

    private static int TicksUntilCampaign(RaftNode node)
    {
        int ticks = 0;
        while (node.Role == RaftRole.Follower)
        {
            node.Tick();
            ticks++;
        }

        return ticks;
    }

    private static RaftNode NewNode(int voters, ulong seed, bool preVote, ulong id = 1) =>
        new(new RaftConfig { NodeId = id, GroupId = 1, Voters = [.. Enumerable.Range(1, voters).Select(i => (ulong)i)], ElectionTicks = ElectionTicks, PreVote = preVote },
            new MemoryRaftStorage(), new SeededRandomSource(seed));

    private static void Drain(RaftNode node)
    {
        Ready ready = node.GetReady();
        node.Advance(ready);
    }
}
