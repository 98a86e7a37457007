using DKV.Consensus.Peers;
using DKV.Consensus.Raft;
using DKV.Core.Errors;
using DKV.Testing.Consensus;

namespace DKV.Consensus.Tests.Peers;

[TestFixture]
[CancelAfter(60_000)]
public sealed class LoopbackPeerHubTests
{
    [Test]
    public async Task Send_ThreeNodes_ArriveInOrderPerSender()
    {
        var hub = new LoopbackPeerHub();
        (LoopbackPeerNetwork[] networks, RecordingPeerHandler[] handlers) = await StartAsync(hub, 3);
        await using var _ = new Disposer(networks);
        for (ulong sequence = 0; sequence < 500; sequence++)
        {
            Assert.That(networks[0].Send(PeerTestCluster.Message(1, 3, sequence)), Is.True);
            Assert.That(networks[1].Send(PeerTestCluster.Message(2, 3, sequence)), Is.True);
        }

        var next = new Dictionary<ulong, ulong> { [1] = 0, [2] = 0 };
        for (int i = 0; i < 1000; i++)
        {
            RaftMessage message = await RecordingPeerHandler.NextAsync(handlers[2].Messages, "message");
            Assert.That(message.Index, Is.EqualTo(next[message.From]++));
        }
    }

    [Test]
    public async Task Send_LinkCut_DropsAndReportsUnreachableUntilHealed()
    {
        var hub = new LoopbackPeerHub();
        (LoopbackPeerNetwork[] networks, RecordingPeerHandler[] handlers) = await StartAsync(hub, 2);
        await using var _ = new Disposer(networks);
        hub.CutOneWay(1, 2);
        Assert.That(networks[0].Send(PeerTestCluster.Message(1, 2, 0)), Is.False);
        Assert.That(await RecordingPeerHandler.NextAsync(handlers[0].Unreachable, "unreachable report"), Is.EqualTo(2UL));
        Assert.That(networks[1].Send(PeerTestCluster.Message(2, 1, 0)), Is.True, "the other direction still works");
        var call = await Assert.ThrowsAsync<DkvException>(async () => await networks[0].CallAsync(2, new PeerRequest(1, PeerRequestKind.Propose, new byte[] { 1 })));
        Assert.That(call!.Code, Is.EqualTo(DkvErrorCode.Unavailable));

        hub.HealAll();
        Assert.That(networks[0].Send(PeerTestCluster.Message(1, 2, 1)), Is.True);
        Assert.That((await RecordingPeerHandler.NextAsync(handlers[1].Messages, "message after heal")).Index, Is.EqualTo(1UL));
        Assert.That((await networks[0].CallAsync(2, new PeerRequest(1, PeerRequestKind.Propose, new byte[] { 1, 2 }))).Index, Is.EqualTo(2UL));
    }

    [Test]
    public async Task Send_Snapshot_ReportsOutcome()
    {
        var hub = new LoopbackPeerHub();
        (LoopbackPeerNetwork[] networks, RecordingPeerHandler[] handlers) = await StartAsync(hub, 2);
        await using var _ = new Disposer(networks);
        var snapshot = new RaftMessage
        {
            Type = RaftMessageType.InstallSnapshot, GroupId = 4, From = 1, To = 2,
            Snapshot = new RaftSnapshot(new SnapshotMetadata(3, 1, [1, 2]), new byte[] { 1 }),
        };
        Assert.That(networks[0].Send(snapshot), Is.True);
        Assert.That(await RecordingPeerHandler.NextAsync(handlers[0].SnapshotOutcomes, "snapshot outcome"), Is.EqualTo((4UL, 2UL, true)));
        hub.Isolate(2);
        Assert.That(networks[0].Send(snapshot), Is.False);
        Assert.That(await RecordingPeerHandler.NextAsync(handlers[0].SnapshotOutcomes, "snapshot outcome"), Is.EqualTo((4UL, 2UL, false)));
    }

    [Test]
    public async Task CallAsync_HandlerHangs_CancellationGivesTimeout()
    {
        var hub = new LoopbackPeerHub();
        (LoopbackPeerNetwork[] networks, RecordingPeerHandler[] handlers) = await StartAsync(hub, 2);
        await using var _ = new Disposer(networks);
        handlers[1].OnRequest = async (_, _, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return default;
        };
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var error = await Assert.ThrowsAsync<DkvException>(async () => await networks[0].CallAsync(2, new PeerRequest(1, PeerRequestKind.Propose, new byte[] { 1 }), caller.Token));
        Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.Timeout));
    }

    private static async Task<(LoopbackPeerNetwork[], RecordingPeerHandler[])> StartAsync(LoopbackPeerHub hub, int size)
    {
        var networks = new LoopbackPeerNetwork[size];
        var handlers = new RecordingPeerHandler[size];
        for (int i = 0; i < size; i++)
        {
            networks[i] = hub.Create((ulong)i + 1);
            handlers[i] = new RecordingPeerHandler();
            await networks[i].StartAsync(handlers[i]);
        }

        return (networks, handlers);
    }

    private sealed class Disposer(LoopbackPeerNetwork[] networks) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (LoopbackPeerNetwork network in networks)
            {
                await network.DisposeAsync();
            }
        }
    }
}
