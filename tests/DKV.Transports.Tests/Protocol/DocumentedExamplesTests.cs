using System.Buffers;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Serializers.Binary;

namespace DKV.Transports.Tests.Protocol;

/// <summary>The hex examples in docs/protocol.md, checked against the real serializer so the document cannot drift.</summary>
public sealed class DocumentedExamplesTests
{
    private static readonly BinarySerializer s_binary = new();

    private static IEnumerable<TestCaseData> Examples()
    {
        yield return new TestCaseData(new Message { Type = MessageType.Set, Key = "foo", Value = "bar"u8.ToArray() }, "030903000000666F6F03000000626172").SetName("set foo=bar");
        yield return new TestCaseData(new Message { Type = MessageType.Set, Index = 1 }, "03800100000000000000").SetName("set answer");
        yield return new TestCaseData(
            new Message { Type = MessageType.SetE, Key = "foo", Value = "bar"u8.ToArray(), ExpireIn = TimeSpan.FromSeconds(30), DeleteIn = TimeSpan.FromSeconds(60) },
            "040F03000000666F6F307500000000000060EA00000000000003000000626172").SetName("setE");
        yield return new TestCaseData(new Message { Type = MessageType.Get, Key = "foo" }, "080103000000666F6F").SetName("get");
        yield return new TestCaseData(new Message { Type = MessageType.Get, Ok = true, Value = "bar"u8.ToArray(), Index = 1 }, "0898030000006261720100000000000000").SetName("get hit");
        yield return new TestCaseData(new Message { Type = MessageType.Get }, "0800").SetName("get miss");
        yield return new TestCaseData(
            new Message { Type = MessageType.Acquire, Key = "L", DeleteIn = TimeSpan.FromSeconds(10), Value = "me"u8.ToArray() },
            "0A0D010000004C1027000000000000020000006D65").SetName("acquire");
        yield return new TestCaseData(
            Message.Failure(MessageType.Get, DkvErrorCode.UnknownShard, "shard 7 does not exist on this server; shards here: 100 (lstore)"),
            "08200A40000000" + Convert.ToHexString("shard 7 does not exist on this server; shards here: 100 (lstore)"u8)).SetName("unknown shard error");
    }

    [TestCaseSource(nameof(Examples))]
    public void BinarySerializer_DocumentedExample_EncodesToTheDocumentedBytes(Message message, string hex)
    {
        var writer = new ArrayBufferWriter<byte>();

        s_binary.Serialize(message, writer);

        Assert.That(Convert.ToHexString(writer.WrittenSpan), Is.EqualTo(hex));
        Message decoded = s_binary.Deserialize(Convert.FromHexString(hex));
        Assert.That(decoded.ContentEquals(message), Is.True, $"decoded {decoded}");
    }
}
