using System.Text;
using DKV.Core.Errors;
using DKV.Core.Stores;

namespace DKV.Consensus.Tests.Host;

[CancelAfter(120_000)]
public sealed class NodeHostTests
{
    private static readonly TimeSpan s_electionWait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Cluster_ThreeHosts_ElectsOneLeaderAndServesWritesOnEveryNode()
    {
        await using HostCluster cluster = await HostCluster.StartAsync();
        await cluster.WaitForLeaderAsync(s_electionWait);

        for (int writer = 0; writer < cluster.Size; writer++)
        {
            WriteResult result = await cluster.Store(writer).SetAsync($"key-{writer}", Bytes($"value-{writer}"));
            Assert.That(result.Applied, Is.True);
            Assert.That(result.Index, Is.GreaterThan(0UL));
        }

        for (int reader = 0; reader < cluster.Size; reader++)
        {
            for (int writer = 0; writer < cluster.Size; writer++)
            {
                GetResult read = await cluster.Store(reader).GetAsync($"key-{writer}");
                Assert.That(read.Found, Is.True, $"node {reader} reading key-{writer}");
                Assert.That(Encoding.UTF8.GetString(read.Value.Span), Is.EqualTo($"value-{writer}"));
            }
        }
    }

    [Test]
    public async Task Write_OnFollower_IsForwardedToLeaderAndApplied()
    {
        await using HostCluster cluster = await HostCluster.StartAsync();
        int leader = await cluster.WaitForLeaderAsync(s_electionWait);
        int follower = (leader + 1) % cluster.Size;
        Assert.That(cluster.Node(follower).GetStatus(HostCluster.Group).Role, Is.EqualTo("follower"));

        WriteResult first = await cluster.Store(follower).SetEIfUnsetAsync("lock", Bytes("a"), TimeSpan.Zero, TimeSpan.Zero);
        WriteResult second = await cluster.Store(follower).SetEIfUnsetAsync("lock", Bytes("b"), TimeSpan.Zero, TimeSpan.Zero);

        Assert.That(first.Applied, Is.True);
        Assert.That(second.Applied, Is.False, "the second set-if-unset must see the first");
        Assert.That(second.Index, Is.GreaterThan(first.Index));
        GetResult read = await cluster.Store(leader).GetAsync("lock");
        Assert.That(Encoding.UTF8.GetString(read.Value.Span), Is.EqualTo("a"));
    }

    [Test]
    public async Task Read_OnFollowerAfterWriteAcknowledgedElsewhere_SeesTheWrite()
    {
        await using HostCluster cluster = await HostCluster.StartAsync();
        int leader = await cluster.WaitForLeaderAsync(s_electionWait);
        int writer = (leader + 1) % cluster.Size;
        int reader = (leader + 2) % cluster.Size;

        for (int i = 0; i < 40; i++)
        {
            int source = i % 2 == 0 ? leader : writer;
            await cluster.Store(source).SetAsync("register", Bytes($"v{i}"));
            GetResult read = await cluster.Store(reader).GetAsync("register");
            Assert.That(Encoding.UTF8.GetString(read.Value.Span), Is.EqualTo($"v{i}"), $"round {i}: a read after an acknowledged write must see it");
            Assert.That(await cluster.Store(reader).HasAsync("register"), Is.True);
        }
    }

    [Test]
    public async Task Reads_ManyConcurrent_AreBatchedAndAllServed()
    {
        await using HostCluster cluster = await HostCluster.StartAsync();
        int leader = await cluster.WaitForLeaderAsync(s_electionWait);
        await cluster.Store(leader).SetAsync("k", Bytes("v"));

        Task<GetResult>[] reads = [.. Enumerable.Range(0, 300).Select(i => cluster.Store(i % cluster.Size).GetAsync("k").AsTask())];
        GetResult[] results = await Task.WhenAll(reads);

        Assert.That(results.All(r => r.Found && Encoding.UTF8.GetString(r.Value.Span) == "v"), Is.True);
    }

    [Test]
    public async Task Restart_WithSameDataDirectories_KeepsState()
    {
        await using HostCluster cluster = await HostCluster.StartAsync();
        int leader = await cluster.WaitForLeaderAsync(s_electionWait);
        for (int i = 0; i < 20; i++)
        {
            await cluster.Store(i % cluster.Size).SetAsync($"k{i}", Bytes($"v{i}"));
        }

        for (int i = 0; i < cluster.Size; i++)
        {
            await cluster.StopNodeAsync(i);
        }

        for (int i = 0; i < cluster.Size; i++)
        {
            await cluster.StartNodeAsync(i);
        }

        await cluster.WaitForLeaderAsync(s_electionWait);
        for (int i = 0; i < 20; i++)
        {
            GetResult read = await cluster.Store((i + leader) % cluster.Size).GetAsync($"k{i}");
            Assert.That(read.Found, Is.True, $"k{i} after restart");
            Assert.That(Encoding.UTF8.GetString(read.Value.Span), Is.EqualTo($"v{i}"));
        }

        WriteResult after = await cluster.Store(0).SetAsync("after", Bytes("restart"));
        Assert.That(after.Index, Is.GreaterThan(20UL));
    }

    [Test]
    public async Task LargeValues_PastMaxLogBytes_SnapshotAndCompactWithoutEntryCount()
    {
        var settings = new Dictionary<string, string> { ["max-log-bytes"] = "65536" };
        await using HostCluster cluster = await HostCluster.StartAsync(
            configure: o => o with { SnapshotEntries = 0, CompactionOverhead = 2, Settings = settings });
        int leader = await cluster.WaitForLeaderAsync(s_electionWait);
        byte[] value = new byte[8 * 1024];
        for (int i = 0; i < 40; i++)
        {
            await cluster.Store(leader).SetAsync($"big{i}", value);
        }

        Assert.That(cluster.RaftStatusOf(leader).FirstIndex, Is.GreaterThan(1UL), "320 KiB of entries past a 64 KiB bound compacted the log");
        GetResult first = await cluster.Store(leader).GetAsync("big0");
        Assert.That(first.Found, Is.True, "compaction keeps the state");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ConcurrentWrites_WithLongBatchHold_ReleasedByCommitsNotByTheTimer()
    {
        // A 1 s hold: if held proposals waited for the timer instead of the batch in flight committing, the 10 rounds below
        // would take at least 10 s; released by commits they take milliseconds each.
        var settings = new Dictionary<string, string> { ["max-batch-delay-us"] = "1000000" };
        await using HostCluster cluster = await HostCluster.StartAsync(configure: o => o with { Settings = settings });
        int leader = await cluster.WaitForLeaderAsync(s_electionWait);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int round = 0; round < 10; round++)
        {
            Task<WriteResult>[] writes = [.. Enumerable.Range(0, 20).Select(i => cluster.Store(i % cluster.Size).SetAsync($"r{round}-{i}", Bytes("v")).AsTask())];
            WriteResult[] results = await Task.WhenAll(writes);
            Assert.That(results.Select(r => r.Index).Distinct().Count(), Is.EqualTo(20), $"round {round}: every write got its own index");
        }

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(9)), "held proposals went out when the batch in flight committed");
        GetResult read = await cluster.Store(leader).GetAsync("r9-19");
        Assert.That(read.Found, Is.True);
    }

    [Test]
    public async Task LaggingNode_AfterCompaction_CatchesUpBySnapshot()
    {
        await using HostCluster cluster = await HostCluster.StartAsync(configure: o => o with { SnapshotEntries = 20, CompactionOverhead = 5 });
        int leader = await cluster.WaitForLeaderAsync(s_electionWait);
        int lagging = (leader + 1) % cluster.Size;
        cluster.Hub.Isolate(cluster.IdOf(lagging));
        int writer = (leader + 2) % cluster.Size;
        for (int i = 0; i < 100; i++)
        {
            await cluster.Store(i % 2 == 0 ? leader : writer).SetAsync($"k{i}", Bytes($"v{i}"));
        }

        Assert.That(cluster.RaftStatusOf(leader).FirstIndex, Is.GreaterThan(50UL), "the leader compacted its log");
        cluster.Hub.HealAll();

        GetResult read = await cluster.Store(lagging).GetAsync("k99");
        Assert.That(Encoding.UTF8.GetString(read.Value.Span), Is.EqualTo("v99"));
        Assert.That(cluster.RaftStatusOf(lagging).FirstIndex, Is.GreaterThan(50UL), "the lagging node installed a snapshot");
        for (int i = 0; i < 100; i += 7)
        {
            GetResult old = await cluster.Store(lagging).GetAsync($"k{i}");
            Assert.That(Encoding.UTF8.GetString(old.Value.Span), Is.EqualTo($"v{i}"));
        }
    }

    [Test]
    public async Task Reads_OverPendingLimit_FailAtOnceWithUnavailable()
    {
        var settings = new Dictionary<string, string> { ["max-pending-reads"] = "1" };
        await using HostCluster cluster = await HostCluster.StartAsync(configure: o => o with { Settings = settings }, running: 1);

        Task<GetResult> waiting = cluster.Store(0).GetAsync("k").AsTask();
        var ex = await Assert.ThrowsAsync<DkvException>(async () => await cluster.Store(0).GetAsync("k"));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
        Assert.That(ex.Message, Does.Contain("max-pending-reads"));
        Assert.That(waiting.IsCompleted, Is.False, "the first read waits for a leader");
    }

    [Test]
    public async Task Writes_OverUncommittedLimit_FailAtOnceWithUnavailable()
    {
        var settings = new Dictionary<string, string> { ["max-uncommitted-bytes"] = "2048" };
        await using HostCluster cluster = await HostCluster.StartAsync(
            configure: o => o with { Settings = settings, ElectionRttFactor = 40, RequestTimeout = TimeSpan.FromSeconds(3) });
        int leader = await cluster.WaitForLeaderAsync(s_electionWait);
        cluster.Hub.Isolate(cluster.IdOf(leader));

        Task<WriteResult>[] writes = [.. Enumerable.Range(0, 30).Select(i => cluster.Store(leader).SetAsync($"k{i}", new byte[300]).AsTask())];
        var errors = new List<DkvException>();
        foreach (Task<WriteResult> write in writes)
        {
            try
            {
                await write;
            }
            catch (DkvException ex)
            {
                errors.Add(ex);
            }
        }

        Assert.That(errors, Has.Count.EqualTo(writes.Length), "nothing can commit on an isolated leader");
        Assert.That(errors.Any(e => e.Code == DkvErrorCode.Unavailable && e.Message.Contains("uncommitted", StringComparison.Ordinal)), Is.True,
            string.Join("\n", errors.Select(e => e.ToString()).Distinct()));
        Assert.That(errors.Where(e => e.Code != DkvErrorCode.Unavailable).All(e => e.Code == DkvErrorCode.Timeout), Is.True,
            "a proposed write on an isolated leader may have been applied: Timeout");
    }

    [Test]
    public async Task Write_WithNoQuorum_FailsUnavailableAndReadTimesOut()
    {
        await using HostCluster cluster = await HostCluster.StartAsync(configure: o => o with { RequestTimeout = TimeSpan.FromSeconds(1) }, running: 1);

        var write = await Assert.ThrowsAsync<DkvException>(async () => await cluster.Store(0).SetAsync("k", Bytes("v")));
        var read = await Assert.ThrowsAsync<DkvException>(async () => await cluster.Store(0).GetAsync("k"));

        Assert.That(write!.Code, Is.EqualTo(DkvErrorCode.Unavailable), "never proposed anywhere: definitely not applied");
        Assert.That(write.Message, Does.Contain("no leader"));
        Assert.That(read!.Code, Is.EqualTo(DkvErrorCode.Timeout));
    }

    [Test]
    public async Task Write_OnIsolatedLeader_TimesOutAsMaybeApplied()
    {
        await using HostCluster cluster = await HostCluster.StartAsync(configure: o => o with { RequestTimeout = TimeSpan.FromSeconds(1) });
        int leader = await cluster.WaitForLeaderAsync(s_electionWait);
        cluster.Hub.Isolate(cluster.IdOf(leader));

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await cluster.Store(leader).SetAsync("k", Bytes("v")));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Timeout), ex.ToString());
    }

    [Test]
    public async Task Dispose_WithRequestsInFlight_FailsThemPromptly()
    {
        await using HostCluster cluster = await HostCluster.StartAsync(configure: o => o with { RequestTimeout = TimeSpan.FromMinutes(5) }, running: 1);
        Task<WriteResult> write = cluster.Store(0).SetAsync("k", Bytes("v")).AsTask();
        Task<GetResult> read = cluster.Store(0).GetAsync("k").AsTask();

        await cluster.StopNodeAsync(0);

        var writeError = await Assert.ThrowsAsync<DkvException>(async () => await write.WaitAsync(TimeSpan.FromSeconds(20)));
        var readError = await Assert.ThrowsAsync<DkvException>(async () => await read.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.That(writeError!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
        Assert.That(readError!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
    }

    [Test]
    public async Task Writes_ThroughFollowerWhileLeaderStops_TakeEffectAtMostOnceAndAreReadable()
    {
        await using HostCluster cluster = await HostCluster.StartAsync(configure: o => o with { RequestTimeout = TimeSpan.FromSeconds(15) });
        int leader = await cluster.WaitForLeaderAsync(s_electionWait);
        int follower = (leader + 1) % cluster.Size;
        IStore store = cluster.Store(follower);

        var writes = new List<Task<WriteResult>>();
        for (int i = 0; i < 120; i++)
        {
            writes.Add(store.SetEIfUnsetAsync($"once-{i}", Bytes($"{i}"), TimeSpan.Zero, TimeSpan.Zero).AsTask());
            if (i == 40)
            {
                await cluster.StopNodeAsync(leader);
            }
        }

        var succeeded = new List<int>();
        for (int i = 0; i < writes.Count; i++)
        {
            try
            {
                WriteResult result = await writes[i];
                Assert.That(result.Applied, Is.True, $"once-{i} is written once: a retried duplicate must return the first outcome");
                succeeded.Add(i);
            }
            catch (DkvException ex)
            {
                Assert.That(ex.Code, Is.AnyOf(DkvErrorCode.Unavailable, DkvErrorCode.NotLeader, DkvErrorCode.Timeout, DkvErrorCode.ConnectionLost), ex.ToString());
            }
        }

        await cluster.WaitForLeaderAsync(s_electionWait, excluding: leader);
        Assert.That(succeeded, Is.Not.Empty);
        foreach (int i in succeeded)
        {
            GetResult read = await store.GetAsync($"once-{i}");
            Assert.That(read.Found, Is.True, $"acknowledged once-{i}");
        }
    }

    [Test]
    public async Task Groups_SeveralOnOneNode_AreIndependentAndShareTheLog()
    {
        await using HostCluster cluster = await HostCluster.StartAsync(configure: o => o with { GroupIds = [HostCluster.Group, 2, 3] });
        await cluster.WaitForLeaderAsync(s_electionWait);

        foreach (ulong group in new ulong[] { HostCluster.Group, 2, 3 })
        {
            await cluster.Node((int)group % cluster.Size).GetStore(group).SetAsync("shared-key", Bytes($"group-{group}"));
        }

        for (int node = 0; node < cluster.Size; node++)
        {
            foreach (ulong group in new ulong[] { HostCluster.Group, 2, 3 })
            {
                GetResult read = await cluster.Node(node).GetStore(group).GetAsync("shared-key");
                Assert.That(Encoding.UTF8.GetString(read.Value.Span), Is.EqualTo($"group-{group}"), $"node {node} group {group}");
                Assert.That(cluster.Node(node).GetStatus(group).GroupId, Is.EqualTo(group));
            }
        }

        var unknown = Assert.Throws<DkvException>(() => cluster.Node(0).GetStore(9));
        Assert.That(unknown!.Code, Is.EqualTo(DkvErrorCode.UnknownShard));
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
