using DKV.Core.Messages;
using DKV.Testing.Infrastructure;

namespace DKV.Testing.Serializers;

/// <summary>Serializing into a reused (pooled) buffer must allocate nothing.</summary>
public abstract partial class SerializerConformanceTests
{
    [Test]
    public void Serialize_IntoReusedBuffer_AllocatesNothing()
    {
        Message[] messages =
        [
            default,
            new Message { Type = MessageType.Set, Key = "foo", Value = "bar"u8.ToArray() },
            new Message { Type = MessageType.Get, Key = "😀 unicode", Value = Array.Empty<byte>(), Meta = Array.Empty<byte>() },
            MessageSamples.Complete(16 * 1024),
            Message.Failure(MessageType.Error, Core.Errors.DkvErrorCode.UnknownShard, "shard 7 is not on this server"),
        ];
        var writer = new ReusableBufferWriter(64 * 1024);
        for (int warmUp = 0; warmUp < 3; warmUp++)
        {
            SerializeAll(messages, writer);
        }

        long allocated = AllocationProbe.LeastOf(3, () =>
        {
            for (int round = 0; round < 100; round++)
            {
                SerializeAll(messages, writer);
            }
        });
        Assert.That(allocated, Is.Zero, $"serializing {messages.Length * 100} messages into a reused buffer allocated {allocated} bytes (least of three trials)");
    }

    private void SerializeAll(Message[] messages, ReusableBufferWriter writer)
    {
        foreach (Message message in messages)
        {
            writer.Reset();
            Serializer.Serialize(message, writer);
        }
    }
}
