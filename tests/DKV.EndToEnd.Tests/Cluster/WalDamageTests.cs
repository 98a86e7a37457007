using System.Text;
using DKV.EndToEnd.Tests.Cluster.Infrastructure;

namespace DKV.EndToEnd.Tests.Cluster;

/// <summary>
/// A cluster node whose write-ahead log was damaged while it was down: a torn tail (the segment ends mid-record, as a crash during an
/// unsynced write leaves it) is cut off and reported, and the node rejoins with every acknowledged write; a corrupt record in the middle of the synced
/// log stops the node with a non-zero exit code and a message naming the file and the offset.
/// </summary>
[Category("ClusterFaults")]
[CancelAfter(300_000)]
public sealed class WalDamageTests
{
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(60);

    [Test]
    public async Task TornTail_NodeRestarted_TruncatesReportsAndRejoins()
    {
        await using var cluster = await ClusterHarness.StartAsync(new ClusterOptions { NodeCount = 3, UseProxies = false });
        (ClusterNode leader, ClusterNode follower) = await WriteThenKillFollowerAsync(cluster);

        string segment = WalFiles.SegmentWithRecords(follower.DataDirectory, 2);
        long torn = WalFiles.AppendTornRecord(segment);
        await follower.StartAsync();
        leader = await cluster.WaitForLeaderAsync();
        await WriteAsync(leader, "after", 10);
        await ClusterVerifier.WaitForConvergenceAsync(cluster, s_deadline);

        Assert.That(follower.Output, Does.Contain("torn tail").And.Contain($"{Path.GetFileName(segment)}': truncated").And.Contain($"at offset {torn}"),
            $"the restart must report the truncation of {segment} at offset {torn}\n{follower.Tail(80)}");
        await using var client = await ClusterClient.ConnectAsync(follower.ClientEndpoint, s_requestTimeout, maxAttempts: 3);
        foreach (string key in Keys("before", 40).Concat(Keys("after", 10)))
        {
            var read = await client.Store(ClusterOptions.StoreShard).GetAsync(key);
            Assert.That(read.Found ? Encoding.UTF8.GetString(read.Value.Span) : "<missing>", Is.EqualTo(key), $"{key} on {follower.Name}\n{cluster.Tails()}");
        }
    }

    [Test]
    public async Task CorruptSyncedRecord_NodeRestarted_RefusesToStartNamingFileAndOffset()
    {
        await using var cluster = await ClusterHarness.StartAsync(new ClusterOptions { NodeCount = 3, UseProxies = false });
        (_, ClusterNode follower) = await WriteThenKillFollowerAsync(cluster);

        string segment = WalFiles.SegmentWithRecords(follower.DataDirectory, 3);
        long offset = WalFiles.CorruptMiddleRecord(segment);
        int exitCode = await follower.StartExpectingExitAsync(s_deadline);

        string output = follower.Output[follower.Output.LastIndexOf("start #2", StringComparison.Ordinal)..];
        Assert.That(exitCode, Is.Not.Zero, output);
        Assert.That(output, Does.Contain(Path.GetFileName(segment)).And.Contain($"offset {offset}"), $"corrupted the record at offset {offset} of {segment}");
    }

    /// <summary>Writes 40 "before" keys through the leader, waits until every node has them, then kills one follower.</summary>
    private static async Task<(ClusterNode Leader, ClusterNode Follower)> WriteThenKillFollowerAsync(ClusterHarness cluster)
    {
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Nodes.First(node => node != leader);
        await WriteAsync(leader, "before", 40);
        await ClusterVerifier.WaitForConvergenceAsync(cluster, s_deadline);
        await follower.KillAsync();
        return (leader, follower);
    }

    private static IEnumerable<string> Keys(string prefix, int count) => Enumerable.Range(0, count).Select(i => $"{prefix}-{i}");

    /// <summary>Writes keys whose value is the key itself; every write must be acknowledged.</summary>
    private static async Task WriteAsync(ClusterNode node, string prefix, int count)
    {
        await using var client = await ClusterClient.ConnectAsync(node.ClientEndpoint, s_requestTimeout, maxAttempts: 3);
        foreach (string key in Keys(prefix, count))
        {
            await client.Store(ClusterOptions.StoreShard).SetAsync(key, Encoding.UTF8.GetBytes(key));
        }
    }
}
