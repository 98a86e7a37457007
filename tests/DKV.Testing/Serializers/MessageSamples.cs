using System.Text;
using DKV.Core.Errors;
using DKV.Core.Messages;

namespace DKV.Testing.Serializers;

/// <summary>Named messages that cover every message type, error code and field edge case, for serializer tests and benchmarks.</summary>
public static class MessageSamples
{
    /// <summary>Keys beyond ASCII: accents, CJK, an emoji (a surrogate pair), a combining sequence, a 4-byte character in the middle.</summary>
    public static readonly string[] UnicodeKeys =
    [
        "café",
        "キー/値",
        "😀",
        "a😀b𝄞c",
        "e\u0301",
        "\u0000nul",
        "\uffff",
        "🏳️‍🌈 flag",
    ];

    /// <summary>Every defined message type, with no other field set.</summary>
    public static IEnumerable<MessageType> AllTypes()
    {
        for (var type = MessageType.Unknown; type <= MessageTypes.Last; type++)
        {
            yield return type;
        }
    }

    /// <summary>Every defined error code.</summary>
    public static IEnumerable<DkvErrorCode> AllErrorCodes()
    {
        for (var code = DkvErrorCode.None; code <= DkvErrorCodes.Last; code++)
        {
            yield return code;
        }
    }

    /// <summary>Field combinations: (name, message). Names are stable for test case names.</summary>
    public static IEnumerable<(string Name, Message Message)> FieldCombinations()
    {
        byte[] bar = "bar"u8.ToArray();
        yield return ("Empty", default);
        yield return ("NullKey", new Message { Type = MessageType.Get });
        yield return ("EmptyKey", new Message { Type = MessageType.Get, Key = string.Empty });
        yield return ("MissingValue", new Message { Type = MessageType.Get, Key = "k", Value = null });
        yield return ("EmptyValue", new Message { Type = MessageType.Set, Key = "k", Value = ReadOnlyMemory<byte>.Empty });
        yield return ("MissingMeta", new Message { Type = MessageType.Custom, Meta = null });
        yield return ("EmptyMeta", new Message { Type = MessageType.Custom, Meta = ReadOnlyMemory<byte>.Empty });
        yield return ("EmptyValueAndEmptyMeta", new Message { Type = MessageType.CompareAndSetE, Key = "k", Value = Array.Empty<byte>(), Meta = Array.Empty<byte>() });
        yield return ("SetFooBar", new Message { Type = MessageType.Set, Key = "foo", Value = bar });
        yield return ("ZeroTtls", new Message { Type = MessageType.SetE, Key = "k", Value = bar, ExpireIn = TimeSpan.Zero, DeleteIn = TimeSpan.Zero });
        yield return ("OneMillisecondTtls", new Message { Type = MessageType.SetE, Key = "k", ExpireIn = TimeSpan.FromMilliseconds(1), DeleteIn = TimeSpan.FromMilliseconds(1) });
        yield return ("MaxTtls", new Message { Type = MessageType.SetEIfUnset, Key = "k", ExpireIn = DurationCodec.MaxDuration, DeleteIn = DurationCodec.MaxDuration });
        yield return ("MixedTtls", new Message { Type = MessageType.Acquire, Key = "lock", ExpireIn = TimeSpan.FromSeconds(30), DeleteIn = TimeSpan.FromHours(5) });
        yield return ("OkTrue", new Message { Type = MessageType.Has, Ok = true });
        yield return ("IndexOne", new Message { Type = MessageType.Set, Index = 1 });
        yield return ("IndexMax", new Message { Type = MessageType.Set, Index = ulong.MaxValue });
        yield return ("IndexPowersOfTwo", new Message { Type = MessageType.Set, Index = 1UL << 32 });
        yield return ("ErrorWithNullText", new Message { Type = MessageType.Set, ErrorCode = DkvErrorCode.Timeout });
        yield return ("ErrorWithEmptyText", new Message { Type = MessageType.Set, ErrorCode = DkvErrorCode.Timeout, Error = string.Empty });
        yield return ("ErrorTextWithoutCode", new Message { Type = MessageType.Error, Error = "shard not found" });
        yield return ("ServerFailure", Message.Failure(MessageType.Error, DkvErrorCode.UnknownShard, "shard 7 is not on this server; shards here: 100"));
        yield return ("UnicodeError", new Message { Type = MessageType.Get, ErrorCode = DkvErrorCode.Internal, Error = "fehler: schlüssel 😀 kaputt" });
        yield return ("LongKey", new Message { Type = MessageType.Get, Key = new string('k', 70_000) });
        yield return ("Key31Bytes", new Message { Type = MessageType.Get, Key = new string('k', 31) });
        yield return ("Key32Bytes", new Message { Type = MessageType.Get, Key = new string('k', 32) });
        yield return ("Key256Bytes", new Message { Type = MessageType.Get, Key = new string('k', 256) });
        yield return ("Complete", Complete(16));
        for (int i = 0; i < UnicodeKeys.Length; i++)
        {
            yield return ($"UnicodeKey{i}", new Message { Type = MessageType.Set, Key = UnicodeKeys[i], Value = Encoding.UTF8.GetBytes(UnicodeKeys[i]) });
        }
    }

    /// <summary>A message with every field set, the value <paramref name="valueBytes"/> long (upstream's "Complete Message").</summary>
    public static Message Complete(int valueBytes) => new()
    {
        Type = MessageType.SetE,
        Key = "complete-message-key",
        ExpireIn = TimeSpan.FromSeconds(60),
        DeleteIn = TimeSpan.FromSeconds(120),
        Value = Pattern(valueBytes),
        Ok = true,
        Index = 123_456_789,
        ErrorCode = DkvErrorCode.Unavailable,
        Error = "shard 100 is electing a leader; retry shortly",
        Meta = Pattern(8),
    };

    /// <summary>Deterministic bytes 0, 1, ... 250, 0, 1, ... so a shifted or truncated copy never compares equal.</summary>
    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }

    /// <summary>A short description for assertion messages (byte fields by length, long strings cut).</summary>
    public static string Describe(in Message message)
    {
        static string Bytes(ReadOnlyMemory<byte>? b) => b is { } v ? $"{v.Length} bytes" : "null";
        static string Text(string? s) => s is null ? "null" : s.Length > 40 ? $"\"{s[..40]}…\" ({s.Length} chars)" : $"\"{s}\"";
        return $"{{type {message.Type}, key {Text(message.Key)}, expireIn {message.ExpireIn}, deleteIn {message.DeleteIn}, value {Bytes(message.Value)}, "
            + $"ok {message.Ok}, index {message.Index}, code {message.ErrorCode}, error {Text(message.Error)}, meta {Bytes(message.Meta)}}}";
    }
}
