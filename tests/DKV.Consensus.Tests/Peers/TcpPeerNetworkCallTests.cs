using DKV.Consensus.Peers;
using DKV.Core.Errors;

namespace DKV.Consensus.Tests.Peers;

[TestFixture]
[CancelAfter(120_000)]
public sealed class TcpPeerNetworkCallTests
{
    [Test]
    public async Task CallAsync_RoundTrip_ReturnsTheHandlersReply()
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(2);
        ulong seenFrom = 0;
        byte[]? seenPayload = null;
        cluster.Handlers[2].OnRequest = (from, request, _) =>
        {
            seenFrom = from;
            seenPayload = request.Payload.ToArray();
            return ValueTask.FromResult(new PeerReply(DkvErrorCode.None, null, true, 42, 2));
        };

        PeerReply reply = await cluster.Networks[1].CallAsync(2, new PeerRequest(7, PeerRequestKind.Propose, new byte[] { 1, 2, 3 }));
        Assert.Multiple(() =>
        {
            Assert.That(reply, Is.EqualTo(new PeerReply(DkvErrorCode.None, null, true, 42, 2)));
            Assert.That(seenFrom, Is.EqualTo(1UL), "the caller is known by its handshake id");
            Assert.That(seenPayload, Is.EqualTo(new byte[] { 1, 2, 3 }));
        });
    }

    [Test]
    public async Task CallAsync_ManyConcurrentCalls_EachGetsItsOwnReply()
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(2);
        var calls = Enumerable.Range(0, 2000)
            .Select(i => cluster.Networks[1].CallAsync(2, new PeerRequest(1, PeerRequestKind.Propose, new byte[i % 300])).AsTask())
            .ToArray();
        PeerReply[] replies = await Task.WhenAll(calls);
        for (int i = 0; i < replies.Length; i++)
        {
            Assert.That(replies[i].Index, Is.EqualTo((ulong)(i % 300)), $"call {i} got another call's reply");
        }
    }

    [Test]
    public async Task CallAsync_HandlerThrows_ReturnsTypedErrorReply([Values] bool typed)
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(2);
        cluster.Handlers[2].OnRequest = (_, _, _) => typed
            ? throw new DkvException(DkvErrorCode.NotLeader, "replica 2 does not lead group 7")
            : throw new InvalidOperationException("boom");

        PeerReply reply = await cluster.Networks[1].CallAsync(2, new PeerRequest(7, PeerRequestKind.Propose, new byte[] { 1 }));
        Assert.Multiple(() =>
        {
            Assert.That(reply.Error, Is.EqualTo(typed ? DkvErrorCode.NotLeader : DkvErrorCode.Internal));
            Assert.That(reply.ErrorMessage, Does.Contain(typed ? "does not lead group 7" : "boom"));
        });
        PeerReply after = await cluster.Networks[1].CallAsync(2, new PeerRequest(7, PeerRequestKind.Propose, new byte[] { 1 }));
        Assert.That(after.Error, Is.EqualTo(reply.Error), "the connection survives a failing handler");
    }

    [Test]
    public async Task CallAsync_PeerDownOrUnknown_ThrowsUnavailable()
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(2);
        await cluster.StopNodeAsync(2);
        cluster.Networks[1].Send(PeerTestCluster.Message(1, 2, 0));
        await RecordingPeerHandler.NextAsync(cluster.Handlers[1].Unreachable, "unreachable report");

        var down = await Assert.ThrowsAsync<DkvException>(async () => await cluster.Networks[1].CallAsync(2, new PeerRequest(7, PeerRequestKind.Propose, new byte[] { 1 })));
        var unknown = await Assert.ThrowsAsync<DkvException>(async () => await cluster.Networks[1].CallAsync(9, new PeerRequest(7, PeerRequestKind.Propose, new byte[] { 1 })));
        Assert.Multiple(() =>
        {
            Assert.That(down!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
            Assert.That(down.DefinitelyNotApplied, Is.True);
            Assert.That(unknown!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
            Assert.That(unknown.Message, Does.Contain("replica 9"));
        });
    }

    [Test]
    public async Task CallAsync_HandlerHangs_CancellationGivesTimeout()
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(2);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Handlers[2].OnRequest = async (_, _, token) =>
        {
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return default;
        };

        using var caller = new CancellationTokenSource();
        ValueTask<PeerReply> call = cluster.Networks[1].CallAsync(2, new PeerRequest(7, PeerRequestKind.Propose, new byte[] { 1 }), caller.Token);
        await arrived.Task.WaitAsync(RecordingPeerHandler.Deadline);
        await caller.CancelAsync();
        var error = await Assert.ThrowsAsync<DkvException>(async () => await call);
        Assert.Multiple(() =>
        {
            Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.Timeout));
            Assert.That(error.DefinitelyNotApplied, Is.False);
        });
    }

    [Test]
    public async Task DisposeAsync_CallsPending_FailWithConnectionLost()
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(2);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Handlers[2].OnRequest = async (_, _, token) =>
        {
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return default;
        };

        TcpPeerNetwork caller = cluster.Networks[1];
        ValueTask<PeerReply> call = caller.CallAsync(2, new PeerRequest(7, PeerRequestKind.Propose, new byte[] { 1 }));
        await arrived.Task.WaitAsync(RecordingPeerHandler.Deadline);
        await caller.DisposeAsync().AsTask().WaitAsync(RecordingPeerHandler.Deadline);
        var error = await Assert.ThrowsAsync<DkvException>(async () => await call);
        Assert.That(error!.Code, Is.EqualTo(DkvErrorCode.ConnectionLost));
        var afterwards = Assert.Throws<DkvException>(() => caller.CallAsync(2, new PeerRequest(7, PeerRequestKind.Propose, new byte[] { 1 })));
        Assert.That(afterwards!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
    }

    [Test]
    public async Task CallAsync_TooManyOutstanding_ThrowsUnavailable()
    {
        await using PeerTestCluster cluster = await PeerTestCluster.StartAsync(2, options => options with { MaxOutstandingCalls = 2 });
        var release = new TaskCompletionSource<PeerReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Handlers[2].OnRequest = (_, _, _) => new ValueTask<PeerReply>(release.Task);
        ValueTask<PeerReply> first = cluster.Networks[1].CallAsync(2, new PeerRequest(7, PeerRequestKind.Propose, new byte[] { 1 }));
        ValueTask<PeerReply> second = cluster.Networks[1].CallAsync(2, new PeerRequest(7, PeerRequestKind.Propose, new byte[] { 1 }));
        var third = Assert.Throws<DkvException>(() => cluster.Networks[1].CallAsync(2, new PeerRequest(7, PeerRequestKind.Propose, new byte[] { 1 })));
        Assert.That(third!.Message, Does.Contain("MaxOutstandingCalls"));
        release.SetResult(new PeerReply(DkvErrorCode.None, null, true, 1, 2));
        Assert.That((await first).Applied && (await second).Applied, Is.True);
    }
}
