using System.Buffers;
using DKV.Core.Protocol;

namespace DKV.Transports.Tests.Protocol;

public sealed class FrameParserTests
{
    [Test]
    public void FrameHeader_Write_IsLittleEndianAsDocumented()
    {
        byte[] bytes = new byte[WireProtocol.FrameHeaderBytes];

        new FrameHeader(100, 2, 16).Write(bytes);

        Assert.That(Convert.ToHexString(bytes), Is.EqualTo("6400000000000000" + "0200000000000000" + "10000000"));
    }

    [Test]
    public void TryParse_HeaderOverMaximum_TooLargeWithoutWaitingForPayload()
    {
        byte[] bytes = new byte[WireProtocol.FrameHeaderBytes];
        new FrameHeader(1, 1, 2049).Write(bytes);

        var status = FrameParser.TryParse(new ReadOnlySequence<byte>(bytes), 2048, out FrameHeader header, out _, out _);

        Assert.That(status, Is.EqualTo(FrameParseStatus.TooLarge));
        Assert.That(header.PayloadLength, Is.EqualTo(2049u));
    }

    [Test]
    public void TryParse_PayloadAtMaximum_Accepted()
    {
        byte[] bytes = new byte[WireProtocol.FrameHeaderBytes + 2048];
        new FrameHeader(1, 1, 2048).Write(bytes);

        var status = FrameParser.TryParse(new ReadOnlySequence<byte>(bytes), 2048, out _, out var payload, out long frameBytes);

        Assert.That(status, Is.EqualTo(FrameParseStatus.Complete));
        Assert.That(payload.Length, Is.EqualTo(2048));
        Assert.That(frameBytes, Is.EqualTo(bytes.Length));
    }

    [Test]
    public void TryParse_PartialPayload_NeedsMoreData()
    {
        byte[] bytes = new byte[WireProtocol.FrameHeaderBytes + 5];
        new FrameHeader(1, 1, 6).Write(bytes);

        Assert.That(FrameParser.TryParse(new ReadOnlySequence<byte>(bytes), 2048, out _, out _, out _), Is.EqualTo(FrameParseStatus.NeedMoreData));
    }

    [Test]
    public void TryParse_EmptyPayload_Complete()
    {
        byte[] bytes = new byte[WireProtocol.FrameHeaderBytes];
        new FrameHeader(3, 4, 0).Write(bytes);

        var status = FrameParser.TryParse(new ReadOnlySequence<byte>(bytes), 2048, out FrameHeader header, out var payload, out _);

        Assert.That(status, Is.EqualTo(FrameParseStatus.Complete));
        Assert.That(header, Is.EqualTo(new FrameHeader(3, 4, 0)));
        Assert.That(payload.IsEmpty, Is.True);
    }
}
