using DKV.Core.Errors;
using DKV.Core.Messages;

namespace DKV.Benchmarks.Serializers;

/// <summary>The message for each <see cref="SerializerBenchmarkCase"/>.</summary>
public static class SerializerBenchmarkMessages
{
    public static Message For(SerializerBenchmarkCase benchmarkCase) => benchmarkCase switch
    {
        SerializerBenchmarkCase.Empty => new Message { Type = MessageType.Success },
        SerializerBenchmarkCase.SmallValue => Set(16),
        SerializerBenchmarkCase.MediumValue => Set(256),
        SerializerBenchmarkCase.LargeValue => Set(1024),
        SerializerBenchmarkCase.VeryLargeValue => Set(16 * 1024),
        SerializerBenchmarkCase.CompleteMessage => new Message
        {
            Type = MessageType.SetE,
            Key = "benchmark-key-0001",
            ExpireIn = TimeSpan.FromSeconds(60),
            DeleteIn = TimeSpan.FromSeconds(120),
            Value = Bytes(64),
            Ok = true,
            Index = 1_234_567,
            ErrorCode = DkvErrorCode.Unavailable,
            Error = "shard 100 is electing a leader",
            Meta = Bytes(16),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(benchmarkCase), benchmarkCase, "unknown benchmark case"),
    };

    private static Message Set(int valueBytes) => new() { Type = MessageType.Set, Key = "benchmark-key-0001", Value = Bytes(valueBytes) };

    private static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 31);
        }

        return bytes;
    }
}
