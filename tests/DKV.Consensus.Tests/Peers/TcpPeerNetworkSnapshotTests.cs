using System.Security.Cryptography;
using DKV.Consensus.Raft;

namespace DKV.Consensus.Tests.Peers;

[TestFixture]
[CancelAfter(120_000)]
public sealed class TcpPeerNetworkSnapshotTests
{
    private const int ChunkBytes = 256 * 1024;

    [Test]
    public async Task Send_TwentyMegabyteSnapshot_ArrivesIntactInChunksAndReportsSuccess()
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(2, options => options with { SnapshotChunkBytes = ChunkBytes });
        byte[] data = RandomData(20 * 1024 * 1024, seed: 5);
        long writesBefore = cluster.Networks[1].WritesIssued;
        Assert.That(cluster.Networks[1].Send(Snapshot(data)), Is.True);
        Assert.That(cluster.Networks[1].Send(PeerTestCluster.Message(1, 2, 77)), Is.True);

        RaftMessage first = await RecordingPeerHandler.NextAsync(cluster.Handlers[2].Messages, "message");
        RaftMessage second = await RecordingPeerHandler.NextAsync(cluster.Handlers[2].Messages, "message");
        var outcome = await RecordingPeerHandler.NextAsync(cluster.Handlers[1].SnapshotOutcomes, "snapshot outcome");
        Assert.Multiple(() =>
        {
            Assert.That(first.Index, Is.EqualTo(77UL), "a message sent after the snapshot overtakes it: chunks do not block other traffic");
            Assert.That(second.Type, Is.EqualTo(RaftMessageType.InstallSnapshot));
            Assert.That(second.Snapshot!.Metadata, Is.EqualTo(new SnapshotMetadata(500, 4, second.Snapshot.Metadata.Voters)));
            Assert.That(second.Snapshot.Metadata.Voters, Is.EqualTo(new ulong[] { 1, 2, 3 }));
            Assert.That(SHA256.HashData(second.Snapshot.Data.Span), Is.EqualTo(SHA256.HashData(data)), "snapshot data differs");
            Assert.That(outcome, Is.EqualTo((9UL, 2UL, true)));
            Assert.That(cluster.Networks[1].WritesIssued - writesBefore, Is.GreaterThanOrEqualTo(data.Length / ChunkBytes), "sent in chunks");
        });
    }

    [Test]
    public async Task Send_ReceiverDiesMidSnapshot_ReportsFailure()
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(2, options => options with { SnapshotChunkBytes = ChunkBytes });
        cluster.Proxies[2].CutAfterForwardedBytes = 4 * 1024 * 1024;
        Assert.That(cluster.Networks[1].Send(Snapshot(RandomData(20 * 1024 * 1024, seed: 6))), Is.True);

        var outcome = await RecordingPeerHandler.NextAsync(cluster.Handlers[1].SnapshotOutcomes, "snapshot outcome");
        Assert.That(outcome, Is.EqualTo((9UL, 2UL, false)));
        Assert.That(await RecordingPeerHandler.NextAsync(cluster.Handlers[1].Unreachable, "unreachable report"), Is.EqualTo(2UL));
        Assert.That(cluster.Handlers[2].Messages.Reader.TryRead(out RaftMessage? partial), Is.False, $"a partial snapshot was delivered: {partial}");
    }

    [Test]
    public async Task Send_SnapshotOverReceiverLimit_ReportsFailureAndKeepsConnection()
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(
            2, options => options with { SnapshotChunkBytes = ChunkBytes, MaxSnapshotBytes = 1024 * 1024 });
        Assert.That(cluster.Networks[1].Send(Snapshot(RandomData(2 * 1024 * 1024, seed: 7))), Is.True);
        var outcome = await RecordingPeerHandler.NextAsync(cluster.Handlers[1].SnapshotOutcomes, "snapshot outcome");
        Assert.That(outcome, Is.EqualTo((9UL, 2UL, false)));

        Assert.That(cluster.Networks[1].Send(Snapshot(RandomData(1000, seed: 8))), Is.True);
        RaftMessage small = await RecordingPeerHandler.NextAsync(cluster.Handlers[2].Messages, "small snapshot");
        Assert.That(small.Snapshot!.Data.Length, Is.EqualTo(1000));
        Assert.That(await RecordingPeerHandler.NextAsync(cluster.Handlers[1].SnapshotOutcomes, "snapshot outcome"), Is.EqualTo((9UL, 2UL, true)));
        Assert.That(cluster.Handlers[1].Unreachable.Reader.TryRead(out _), Is.False, "refusing a snapshot must not drop the connection");
    }

    private static RaftMessage Snapshot(byte[] data) => new()
    {
        Type = RaftMessageType.InstallSnapshot,
        GroupId = 9,
        From = 1,
        To = 2,
        Term = 4,
        Snapshot = new RaftSnapshot(new SnapshotMetadata(500, 4, [1, 2, 3]), data),
    };

    private static byte[] RandomData(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
