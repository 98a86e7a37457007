using System.Text;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Protocol;
using DKV.Transports.Tests.Infrastructure;

namespace DKV.Transports.Tests.Transport;

/// <summary>
/// Malformed input against a live server over raw sockets: each case gets an error answer or a closed connection with a logged
/// reason, and afterwards a fresh client is still served.
/// </summary>
[TestFixture("tcp")]
[TestFixture("unix")]
[CancelAfter(30_000)]
public sealed class BadInputTests(string transport)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private ServerHarness _harness = null!;

    [SetUp]
    public async Task SetUp() => _harness = await ServerHarness.StartAsync(transport, o => o with { MaxFrameBytes = 64 * 1024, HandshakeTimeout = TimeSpan.FromMilliseconds(500) });

    [TearDown]
    public async Task TearDown()
    {
        try
        {
            await AssertFreshClientIsServedAsync();
        }
        finally
        {
            await _harness.DisposeAsync();
        }
    }

    [Test]
    public async Task GarbageInsteadOfHandshake_RejectedWithReasonAndClosed()
    {
        await using RawConnection raw = await RawConnection.OpenAsync(transport, _harness.Endpoint);

        await raw.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        ServerReply reply = await raw.ReadReplyAsync();

        Assert.That(reply.Accepted, Is.False);
        Assert.That(reply.Reason, Does.Contain("bad magic"));
        Assert.That(await raw.IsClosedByServerAsync(s_wait), Is.True);
        var logged = await _harness.Logs.WaitForEventAsync(3003, s_wait);
        Assert.That(logged.Message, Does.Contain("bad magic"));
    }

    [Test]
    public async Task RandomBytesAfterHandshake_ConnectionClosedServerCarriesOn()
    {
        await using RawConnection raw = await RawConnection.OpenAsync(transport, _harness.Endpoint);
        await raw.HandshakeAsync();
        byte[] garbage = new byte[300];
        new Random(12345).NextBytes(garbage);

        await raw.SendAsync(garbage);

        Assert.That(await raw.IsClosedByServerAsync(s_wait), Is.True, "random bytes declare a huge frame length, which closes the connection");
        await _harness.Logs.WaitForEventAsync(3005, s_wait);
    }

    [Test]
    public async Task WrongProtocolVersion_RejectedNamingBothVersions()
    {
        await using RawConnection raw = await RawConnection.OpenAsync(transport, _harness.Endpoint);

        await raw.SendHelloAsync(version: 99);
        ServerReply reply = await raw.ReadReplyAsync();

        Assert.That(reply.Accepted, Is.False);
        Assert.That(reply.Reason, Does.Contain("version 99").And.Contain($"version {WireProtocol.Version}"));
        Assert.That(await raw.IsClosedByServerAsync(s_wait), Is.True);
    }

    [Test]
    public async Task NoHandshakeWithinTimeout_ClosedWithLoggedReason()
    {
        await using RawConnection raw = await RawConnection.OpenAsync(transport, _harness.Endpoint);

        Assert.That(await raw.IsClosedByServerAsync(s_wait), Is.True);
        await _harness.Logs.WaitForEventAsync(3004, s_wait);
    }

    [Test]
    public async Task FrameLengthOverMaximum_ClosedBeforeThePayloadIsAllocated()
    {
        await using RawConnection raw = await RawConnection.OpenAsync(transport, _harness.Endpoint);
        await raw.HandshakeAsync();
        byte[] header = new byte[WireProtocol.FrameHeaderBytes];
        new FrameHeader(ServerHarness.StoreShard, 7, uint.MaxValue - 1).Write(header);
        long before = GC.GetTotalAllocatedBytes(precise: true);

        await raw.SendAsync(header);
        bool closed = await raw.IsClosedByServerAsync(s_wait);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.That(closed, Is.True);
        Assert.That(allocated, Is.LessThan(4 * 1024 * 1024), "the declared 4 GiB payload must not be allocated");
        var logged = await _harness.Logs.WaitForEventAsync(3005, s_wait);
        Assert.That(logged.Message, Does.Contain("4294967294").And.Contain("65536"));
    }

    [Test]
    public async Task TruncatedFrameThenClose_LoggedAndNothingHandled()
    {
        await using RawConnection raw = await RawConnection.OpenAsync(transport, _harness.Endpoint);
        await raw.HandshakeAsync();
        byte[] partial = new byte[WireProtocol.FrameHeaderBytes + 10];
        new FrameHeader(ServerHarness.StoreShard, 1, 100).Write(partial);

        await raw.SendAsync(partial);
        raw.ShutdownSend();

        Assert.That(await raw.IsClosedByServerAsync(s_wait), Is.True);
        var logged = await _harness.Logs.WaitForEventAsync(3006, s_wait);
        Assert.That(logged.Message, Does.Contain("30 bytes"));
        Assert.That(_harness.Store.Calls, Is.Zero);
    }

    [Test]
    public async Task UnknownShard_ErrorAnswerAndConnectionStaysOpen()
    {
        await using RawConnection raw = await RawConnection.OpenAsync(transport, _harness.Endpoint);
        await raw.HandshakeAsync();

        await raw.SendMessageAsync(_harness.Serializer, 4242, 1, new Message { Type = MessageType.Get, Key = "k" });
        Message answer = await ReadAnswerAsync(raw, expectedRequestId: 1);

        Assert.That(answer.ErrorCode, Is.EqualTo(DkvErrorCode.UnknownShard));
        Assert.That(answer.Type, Is.EqualTo(MessageType.Get));
        Assert.That(answer.Error, Does.Contain("4242").And.Contain("100 (lstore)"));
        await AssertConnectionStillAnswersAsync(raw);
    }

    [TestCase((byte)200)]
    [TestCase((byte)MessageType.Acquire)]
    public async Task UnknownMessageType_ErrorAnswerAndConnectionStaysOpen(byte type)
    {
        await using RawConnection raw = await RawConnection.OpenAsync(transport, _harness.Endpoint);
        await raw.HandshakeAsync();

        await raw.SendMessageAsync(_harness.Serializer, ServerHarness.StoreShard, 5, new Message { Type = (MessageType)type, Key = "k" });
        Message answer = await ReadAnswerAsync(raw, expectedRequestId: 5);

        Assert.That(answer.ErrorCode, Is.EqualTo(DkvErrorCode.UnknownMessageType));
        Assert.That(answer.Error, Does.Contain("does not handle message type"));
        await AssertConnectionStillAnswersAsync(raw);
    }

    [Test]
    public async Task UndecodablePayload_MalformedMessageAnswerAndConnectionStaysOpen()
    {
        await using RawConnection raw = await RawConnection.OpenAsync(transport, _harness.Endpoint);
        await raw.HandshakeAsync();

        await raw.SendFrameAsync(ServerHarness.StoreShard, 9, [0x08, 0x01, 0xFF, 0xFF, 0xFF, 0x7F, 0x41]);
        Message answer = await ReadAnswerAsync(raw, expectedRequestId: 9);

        Assert.That(answer.ErrorCode, Is.EqualTo(DkvErrorCode.MalformedMessage));
        Assert.That(answer.Type, Is.EqualTo(MessageType.Error));
        Assert.That(answer.Error, Does.Contain("could not be decoded").And.Contain("binary"));
        await AssertConnectionStillAnswersAsync(raw);
    }

    [Test]
    public async Task ManyBadConnectionsAtOnce_ServerKeepsServingAGoodClient()
    {
        var store = await _harness.ConnectStoreAsync();
        var bad = Enumerable.Range(0, 20).Select(async i =>
        {
            await using RawConnection raw = await RawConnection.OpenAsync(transport, _harness.Endpoint);
            await raw.SendAsync(Encoding.ASCII.GetBytes($"junk {i} junk junk junk"));
            return await raw.IsClosedByServerAsync(s_wait);
        }).ToArray();

        var set = await store.SetAsync("good", "client"u8.ToArray());
        bool[] closed = await Task.WhenAll(bad);

        Assert.That(set.Applied, Is.True);
        Assert.That(closed, Is.All.True);
    }

    private static async Task<Message> ReadAnswerAsync(RawConnection raw, ulong expectedRequestId)
    {
        var (header, payload) = await raw.ReadFrameAsync();
        Assert.That(header.RequestId, Is.EqualTo(expectedRequestId));
        return new DKV.Serializers.Binary.BinarySerializer().Deserialize(payload);
    }

    private async Task AssertConnectionStillAnswersAsync(RawConnection raw)
    {
        await raw.SendMessageAsync(_harness.Serializer, ServerHarness.StoreShard, 77, new Message { Type = MessageType.Has, Key = "nothing" });
        Message answer = await ReadAnswerAsync(raw, expectedRequestId: 77);
        Assert.That(answer.IsError, Is.False, answer.Error);
    }

    private async Task AssertFreshClientIsServedAsync()
    {
        var store = await _harness.ConnectStoreAsync();
        var result = await store.SetAsync("after-bad-input", "ok"u8.ToArray());
        Assert.That(result.Applied, Is.True, "a fresh client is still served after bad input");
    }
}
