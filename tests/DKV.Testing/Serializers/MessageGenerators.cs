using DKV.Core.Errors;
using DKV.Core.Messages;
using FsCheck;
using FsCheck.Fluent;

namespace DKV.Testing.Serializers;

/// <summary>FsCheck generators for random, valid messages (whole-millisecond durations, valid Unicode text).</summary>
public static class MessageGenerators
{
    private static readonly string[] s_textPieces = ["a", "Z", "0", " ", "/", "\"", "\\", "\n", "é", "ß", "キ", "😀", "𝄞", "\u0000", "\u007f", "\u0080", "\u07ff", "\u0800", "\uffff"];

    /// <summary>Random messages; byte fields are at most <paramref name="maxBytes"/> long.</summary>
    public static Arbitrary<Message> Messages(int maxBytes = 2048) => Message(maxBytes).ToArbitrary();

    public static Gen<Message> Message(int maxBytes) =>
        from type in Gen.Elements(MessageSamples.AllTypes().ToArray())
        from key in OptionalText()
        from expireIn in Duration()
        from deleteIn in Duration()
        from value in OptionalBytes(maxBytes)
        from ok in Gen.Elements(false, true)
        from index in UInt64()
        from code in Gen.Elements(MessageSamples.AllErrorCodes().ToArray())
        from error in OptionalText()
        from meta in OptionalBytes(maxBytes)
        select new Message
        {
            Type = type,
            Key = key,
            ExpireIn = expireIn,
            DeleteIn = deleteIn,
            Value = value is null ? default(ReadOnlyMemory<byte>?) : new ReadOnlyMemory<byte>(value),
            Ok = ok,
            Index = index,
            ErrorCode = code,
            Error = error,
            Meta = meta is null ? default(ReadOnlyMemory<byte>?) : new ReadOnlyMemory<byte>(meta),
        };

    private static Gen<string?> OptionalText() =>
        Gen.Frequency(
            (1, Gen.Constant<string?>(null)),
            (1, Gen.Constant<string?>(string.Empty)),
            (6, Gen.ArrayOf(Gen.Elements(s_textPieces)).Select(pieces => (string?)string.Concat(pieces))));

    private static Gen<byte[]?> OptionalBytes(int maxBytes) =>
        Gen.Frequency(
            (1, Gen.Constant<byte[]?>(null)),
            (1, Gen.Constant<byte[]?>([])),
            (6, Gen.Choose(0, maxBytes).SelectMany(length => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length)).Select(b => (byte[]?)b)));

    private static Gen<TimeSpan> Duration()
    {
        ulong maxMs = DurationCodec.ToWire(DurationCodec.MaxDuration);
        return Gen.Frequency(
            (2, Gen.Constant(0UL)),
            (2, Gen.Constant(maxMs)),
            (3, Gen.Choose(1, 100_000).Select(ms => (ulong)ms)),
            (3, UInt64().Select(x => x % (maxMs + 1))))
            .Select(ms => TimeSpan.FromTicks((long)ms * TimeSpan.TicksPerMillisecond));
    }

    private static Gen<ulong> UInt64() =>
        Gen.Frequency(
            (2, Gen.Constant(0UL)),
            (1, Gen.Constant(ulong.MaxValue)),
            (3, Gen.Choose(0, 300).Select(x => (ulong)x)),
            (4, Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue))
                .Select(p => ((ulong)(uint)p.Item1 << 32) | (uint)p.Item2)));
}
