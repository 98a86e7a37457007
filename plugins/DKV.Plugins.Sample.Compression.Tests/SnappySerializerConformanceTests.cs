using System.Buffers;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using DKV.Plugins.Sample.Compression;
using DKV.Serializers.Binary;
using DKV.Testing.Serializers;

namespace DKV.Plugins.Sample.Compression.Tests;

/// <summary>The whole serializer conformance suite against <c>binary-snappy</c>, plus what is particular to compression.</summary>
[TestFixture]
public sealed class SnappySerializerConformanceTests : SerializerConformanceTests
{
    protected override IRpcSerializer CreateSerializer() => new SnappySerializer(new BinarySerializer());

    /// <summary>A compressed value whose Snappy preamble claims 1 GiB, and the binary format's own lying lengths behind both format bytes.</summary>
    protected override IEnumerable<byte[]> LyingLengthInputs()
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        writer.Write([(byte)1]);
        new BinarySerializer().Serialize(new Message { Type = MessageType.Set, Key = "k", Value = new byte[] { 0x80, 0x80, 0x80, 0x80, 0x04, 0x00 } }, writer);
        return
        [
            writer.WrittenSpan.ToArray(),
            Convert.FromHexString("000301FFFFFF7F61"),
            Convert.FromHexString("01030800000040010203"),
        ];
    }

    [Test]
    public void Serialize_LargeCompressibleValue_IsSmallerThanBinary()
    {
        var message = new Message { Type = MessageType.Set, Key = "k", Value = new byte[1 << 20] };
        var snappy = new System.Buffers.ArrayBufferWriter<byte>();
        var binary = new System.Buffers.ArrayBufferWriter<byte>();
        Serializer.Serialize(message, snappy);
        new BinarySerializer().Serialize(message, binary);

        Assert.That(snappy.WrittenCount, Is.LessThan(binary.WrittenCount / 10), "a megabyte of zeros should compress well");
        Assert.That(Serializer.Deserialize(snappy.WrittenSpan).Value!.Value.ToArray(), Is.EqualTo(message.Value!.Value.ToArray()));
    }
}
