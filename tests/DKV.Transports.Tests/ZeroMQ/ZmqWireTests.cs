using DKV.Core.Protocol;
using DKV.Core.Transport;
using DKV.Testing.Transports;
using DKV.Transports.Tests.Conformance;
using DKV.Transports.Tests.Infrastructure;
using DKV.Transports.ZeroMQ;
using DKV.Transports.ZeroMQ.Interop;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.Tests.ZeroMQ;

/// <summary>The zmq session mapping (docs/protocol.md, "ZeroMQ") seen from a raw DEALER: OPEN/OPENED, refusals, bad input.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class ZmqWireTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(5);
    private IServerTransport _server = null!;
    private ConformanceHandler _handler = null!;
    private CapturingLoggerProvider _logs = null!;
    private ILoggerFactory _loggerFactory = null!;

    [OneTimeSetUp]
    public void RequireLibzmq() => ZmqAvailability.IgnoreUnlessLoadable();

    [SetUp]
    public async Task StartServerAsync()
    {
        _handler = new ConformanceHandler();
        _logs = new CapturingLoggerProvider();
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
        _server = new ZmqTransportFactory(new ZmqOptions { MaxSessions = 2, HighWaterMarkMessages = 10 }).CreateServer(
            new ServerTransportOptions { Endpoint = "tcp://127.0.0.1:0", SerializerName = "binary", MaxFrameBytes = 4096 }, _loggerFactory);
        await _server.StartAsync(_handler, CancellationToken.None);
    }

    [TearDown]
    public async Task StopServerAsync()
    {
        await _server.DisposeAsync();
        _loggerFactory.Dispose();
    }

    [Test]
    public void Frame_WithoutOpen_IsAnsweredWithCloseAndNotHandled()
    {
        using var dealer = new RawDealer(_server.BoundEndpoint);

        dealer.Send(Frame(1, "Ex"u8));
        var reply = dealer.Receive(s_wait);

        Assert.That(reply, Is.Not.Null);
        Assert.That(reply![0], Is.Empty, "control messages start with an empty delimiter");
        Assert.That(reply[1][0], Is.EqualTo(4), "CLOSE");
        Assert.That(System.Text.Encoding.UTF8.GetString(reply[1].AsSpan(1)), Does.Contain("no session"));
        Assert.That(_handler.Calls, Is.Zero);
    }

    [Test]
    public void Session_OpenHelloFrame_AnsweredLikeTcp()
    {
        using var dealer = new RawDealer(_server.BoundEndpoint);

        dealer.Send([], [1]);
        var opened = dealer.Receive(s_wait);
        dealer.Send(Hello("binary"));
        var reply = dealer.Receive(s_wait);
        dealer.Send(Frame(42, "Eping"u8));
        var answer = dealer.Receive(s_wait);

        Assert.Multiple(() =>
        {
            Assert.That(opened, Is.EqualTo(new List<byte[]> { Array.Empty<byte>(), new byte[] { 2 } }), "OPENED");
            Assert.That(reply![0].AsSpan(0, 4).ToArray(), Is.EqualTo("DKVN"u8.ToArray()));
            Assert.That(reply[0][6], Is.EqualTo(0), "handshake accepted");
            Assert.That(answer, Has.Count.EqualTo(1), "a frame is one single-part message");
            Assert.That(FrameHeader.Read(answer![0]), Is.EqualTo(new FrameHeader(42, 7, 5)));
            Assert.That(answer[0].AsSpan(WireProtocol.FrameHeaderBytes).ToArray(), Is.EqualTo("Eping"u8.ToArray()));
        });
    }

    [Test]
    public void Session_MessageThatIsNotOneFrame_ClosesOnlyThatSession()
    {
        using var bad = new RawDealer(_server.BoundEndpoint);
        using var good = new RawDealer(_server.BoundEndpoint);
        OpenAndHandshake(bad);
        OpenAndHandshake(good);

        bad.Send([1, 2, 3]);
        var closed = bad.Receive(s_wait);
        good.Send(Frame(1, "Estill-here"u8));
        var answer = good.Receive(s_wait);

        Assert.That(closed![1][0], Is.EqualTo(4), "CLOSE");
        Assert.That(answer![0].AsSpan(WireProtocol.FrameHeaderBytes).ToArray(), Is.EqualTo("Estill-here"u8.ToArray()));
    }

    [Test]
    public void Open_OverMaxSessions_IsRefusedWithTheLimitNamed()
    {
        using var first = new RawDealer(_server.BoundEndpoint);
        using var second = new RawDealer(_server.BoundEndpoint);
        using var third = new RawDealer(_server.BoundEndpoint);
        OpenAndHandshake(first);
        OpenAndHandshake(second);

        third.Send([], [1]);
        var refused = third.Receive(s_wait);

        Assert.That(refused![1][0], Is.EqualTo(3), "REFUSED");
        Assert.That(System.Text.Encoding.UTF8.GetString(refused[1].AsSpan(1)), Does.Contain("MaxSessions"));
    }

    [Test]
    public async Task Session_ClientVanishesWithoutClose_ServerEndsItWhenLibzmqReportsTheConnectionLost()
    {
        var dealer = new RawDealer(_server.BoundEndpoint);
        OpenAndHandshake(dealer);
        int before = ((ZmqServerTransport)_server).SessionCount;

        dealer.Dispose();
        LogEntry closed = await _logs.WaitForAsync(e => e.EventId.Id == 3305, s_wait);

        Assert.That(before, Is.EqualTo(1));
        Assert.That(closed.Message, Does.Contain("connection was lost"));
        Assert.That(((ZmqServerTransport)_server).SessionCount, Is.Zero);
    }

    [Test]
    public async Task Session_ClientNeverReadsItsAnswers_IsCutOffAndOthersAreServed()
    {
        using var slow = new RawDealer(_server.BoundEndpoint, socket =>
        {
            ZmqNative.SetInt(socket, Libzmq.ZMQ_SNDHWM, 100_000);
            ZmqNative.SetInt(socket, Libzmq.ZMQ_RCVHWM, 1);
            ZmqNative.SetInt(socket, Libzmq.ZMQ_RCVBUF, 4096);
        });
        using var good = new RawDealer(_server.BoundEndpoint);
        OpenAndHandshake(slow);
        OpenAndHandshake(good);
        byte[] big = new byte[4000];
        big[0] = (byte)'E';

        for (int i = 0; i < 5000; i++)
        {
            slow.Send(Frame(1, big));
        }

        LogEntry cut = await _logs.WaitForAsync(e => e.EventId.Id == 3305 && e.Message.Contains("does not read", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        good.Send(Frame(1, "Eserved"u8));
        var answer = good.Receive(s_wait);

        Assert.That(cut.Message, Does.Contain("high-water mark"));
        Assert.That(answer![0].AsSpan(WireProtocol.FrameHeaderBytes).ToArray(), Is.EqualTo("Eserved"u8.ToArray()));
    }

    private static void OpenAndHandshake(RawDealer dealer)
    {
        dealer.Send([], [1]);
        Assert.That(dealer.Receive(s_wait)?[1], Is.EqualTo(new byte[] { 2 }), "OPENED");
        dealer.Send(Hello("binary"));
        Assert.That(dealer.Receive(s_wait)?[0][6], Is.EqualTo(0), "handshake accepted");
    }

    private static byte[] Hello(string serializer)
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        HandshakeCodec.WriteHello(writer, new ClientHello(WireProtocol.Version, serializer));
        return writer.WrittenSpan.ToArray();
    }

    private static byte[] Frame(ulong shardId, ReadOnlySpan<byte> payload)
    {
        byte[] frame = new byte[WireProtocol.FrameHeaderBytes + payload.Length];
        new FrameHeader(shardId, 7, (uint)payload.Length).Write(frame);
        payload.CopyTo(frame.AsSpan(WireProtocol.FrameHeaderBytes));
        return frame;
    }
}
