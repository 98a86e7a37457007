using System.Buffers;
using DKV.Core.Protocol;

namespace DKV.Transports.Tests.Protocol;

public sealed class HandshakeCodecTests
{
    [Test]
    public void WriteHello_Binary_MatchesDocumentedBytes()
    {
        var writer = new ArrayBufferWriter<byte>();

        HandshakeCodec.WriteHello(writer, new ClientHello(1, "binary"));

        Assert.That(Convert.ToHexString(writer.WrittenSpan), Is.EqualTo("444B564E" + "0100" + "06" + "62696E617279"));
    }

    [Test]
    public void WriteReply_Accept_MatchesDocumentedBytes()
    {
        var writer = new ArrayBufferWriter<byte>();

        HandshakeCodec.WriteReply(writer, ServerReply.Accept);

        Assert.That(Convert.ToHexString(writer.WrittenSpan), Is.EqualTo("444B564E" + "0100" + "00" + "0000"));
    }

    [Test]
    public void TryReadHello_EveryPrefix_NeedsMoreDataThenCompletes()
    {
        var writer = new ArrayBufferWriter<byte>();
        HandshakeCodec.WriteHello(writer, new ClientHello(1, "msgpack"));
        byte[] bytes = writer.WrittenSpan.ToArray();

        for (int length = 0; length < bytes.Length; length++)
        {
            var partial = new ReadOnlySequence<byte>(bytes, 0, length);
            Assert.That(HandshakeCodec.TryReadHello(ref partial, out _, out _), Is.EqualTo(HandshakeReadStatus.NeedMoreData), $"prefix of {length}");
            Assert.That(partial.Length, Is.EqualTo(length), "nothing consumed");
        }

        var whole = new ReadOnlySequence<byte>([.. bytes, 0xAA]);
        Assert.That(HandshakeCodec.TryReadHello(ref whole, out ClientHello hello, out _), Is.EqualTo(HandshakeReadStatus.Complete));
        Assert.That(hello, Is.EqualTo(new ClientHello(1, "msgpack")));
        Assert.That(whole.Length, Is.EqualTo(1), "only the hello is consumed");
    }

    [Test]
    public void TryReadHello_FirstByteWrong_InvalidAtOnce()
    {
        var buffer = new ReadOnlySequence<byte>("G"u8.ToArray());

        Assert.That(HandshakeCodec.TryReadHello(ref buffer, out _, out string reason), Is.EqualTo(HandshakeReadStatus.Invalid));
        Assert.That(reason, Does.Contain("bad magic 47"));
    }

    [TestCase(0)]
    [TestCase(65)]
    public void TryReadHello_NameLengthOutOfRange_Invalid(int nameLength)
    {
        var buffer = new ReadOnlySequence<byte>([0x44, 0x4B, 0x56, 0x4E, 1, 0, (byte)nameLength]);

        Assert.That(HandshakeCodec.TryReadHello(ref buffer, out _, out string reason), Is.EqualTo(HandshakeReadStatus.Invalid));
        Assert.That(reason, Does.Contain("serializer name length"));
    }

    [Test]
    public void TryReadHello_NameNotPrintable_Invalid()
    {
        var buffer = new ReadOnlySequence<byte>([0x44, 0x4B, 0x56, 0x4E, 1, 0, 2, 0x41, 0x00]);

        Assert.That(HandshakeCodec.TryReadHello(ref buffer, out _, out _), Is.EqualTo(HandshakeReadStatus.Invalid));
    }

    [Test]
    public void Reply_Reject_RoundTripsAndCutsLongReasonsAtACharacterBoundary()
    {
        var writer = new ArrayBufferWriter<byte>();
        string reason = new string('é', 600);

        HandshakeCodec.WriteReply(writer, ServerReply.Reject(reason));
        var buffer = new ReadOnlySequence<byte>(writer.WrittenMemory);

        Assert.That(HandshakeCodec.TryReadReply(ref buffer, out ServerReply reply, out _), Is.EqualTo(HandshakeReadStatus.Complete));
        Assert.That(reply.Accepted, Is.False);
        Assert.That(reply.Reason, Is.EqualTo(new string('é', WireProtocol.MaxRejectReasonBytes / 2)));
    }

    [Test]
    public void TryReadReply_UnknownStatus_Invalid()
    {
        var buffer = new ReadOnlySequence<byte>([0x44, 0x4B, 0x56, 0x4E, 1, 0, 7, 0, 0]);

        Assert.That(HandshakeCodec.TryReadReply(ref buffer, out _, out string reason), Is.EqualTo(HandshakeReadStatus.Invalid));
        Assert.That(reason, Does.Contain("status 7"));
    }
}
