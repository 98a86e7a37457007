using System.Buffers;
using System.Runtime.InteropServices;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Serializers.Binary;

namespace DKV.Serializers.Tests.Binary;

/// <summary>
/// The binary serializer's speed paths beyond what the conformance suite covers: strings on both sides of the short (stack) and
/// long (counted) thresholds, value and meta decoded into one array, and the worst-case reservation of the one-pass writer.
/// </summary>
[TestFixture]
public sealed class BinarySerializerFastPathTests
{
    private readonly BinarySerializer _serializer = new();

    [TestCase(255)]
    [TestCase(256)]
    [TestCase(257)]
    [TestCase(1024)]
    [TestCase(1025)]
    [TestCase(5000)]
    public void RoundTrip_UnicodeKeyAndErrorAroundThresholds_PreservesText(int chars)
    {
        // Mixes 1-, 2-, 3- and 4-byte UTF-8 sequences so both the byte and the char counts cross the thresholds.
        string text = string.Concat(Enumerable.Repeat("aé€😀", (chars / 5) + 1))[..chars];
        if (char.IsHighSurrogate(text[^1]))
        {
            text = text[..^1] + "b";
        }

        var message = new Message { Type = MessageType.Set, Key = text, ErrorCode = DkvErrorCode.Internal, Error = text, Value = new byte[] { 1 } };

        var back = RoundTrip(message);

        Assert.That(back.ContentEquals(message), Is.True);
    }

    [TestCase(10)]
    [TestCase(2000)]
    public void Serialize_LoneSurrogateInKey_ThrowsInvalidArgumentAndWritesNothing(int chars)
    {
        string key = new string('k', chars) + "\uD800";
        var writer = new ArrayBufferWriter<byte>();

        var ex = Assert.Throws<DkvException>(() => _serializer.Serialize(new Message { Type = MessageType.Get, Key = key }, writer));

        Assert.That((ex!.Code, writer.WrittenCount), Is.EqualTo((DkvErrorCode.InvalidArgument, 0)));
        Assert.That(ex.Message, Does.Contain("key").And.Contain("surrogate"));
    }

    [TestCase(10)]
    [TestCase(300)]
    public void Deserialize_InvalidUtf8Key_ThrowsMalformedNamingTheField(int length)
    {
        var writer = new ArrayBufferWriter<byte>();
        _serializer.Serialize(new Message { Type = MessageType.Get, Key = new string('k', length) }, writer);
        byte[] bytes = writer.WrittenSpan.ToArray();
        bytes[^1] = 0xFF;

        var ex = Assert.Throws<DkvException>(() => _serializer.Deserialize(bytes));

        Assert.That((ex!.Code, ex.Message.Contains("key", StringComparison.Ordinal)), Is.EqualTo((DkvErrorCode.MalformedMessage, true)));
    }

    [TestCase(1, 0)]
    [TestCase(8, 7)]
    [TestCase(9, 0)]
    [TestCase(17, 16)]
    [TestCase(31, 15)]
    [TestCase(33, 32)]
    [TestCase(64, 63)]
    [TestCase(300, 299)]
    public void RoundTrip_OneNonAsciiCharAmongAscii_LeavesTheAsciiPathAndPreservesText(int chars, int at)
    {
        // The ASCII decoder stops at the first non-ASCII byte wherever the vectorized widening is (start, tail, past a block);
        // U+FFFF is also the marker the decoder uses for "not ASCII", so it must come back as itself.
        foreach (char special in "é€\uFFFF")
        {
            char[] text = new string('a', chars).ToCharArray();
            text[at] = special;
            var message = new Message { Type = MessageType.Set, Key = new string(text), ErrorCode = DkvErrorCode.Internal, Error = new string(text) };

            var back = RoundTrip(message);

            Assert.That(back.ContentEquals(message), Is.True, $"{chars} chars, U+{(int)special:X4} at {at}");
        }
    }

    [Test]
    public void RoundTrip_AsciiControlAndDeleteChars_PreserveText()
    {
        var message = new Message { Type = MessageType.Set, Key = "\0\u0001\u007F~", ErrorCode = DkvErrorCode.Internal, Error = "\u007F" };

        var back = RoundTrip(message);

        Assert.That((back.Key, back.Error), Is.EqualTo((message.Key, message.Error)));
    }

    [TestCase(0)]
    [TestCase(5)]
    [TestCase(40)]
    public void Deserialize_InvalidUtf8ErrorText_ThrowsMalformedNamingTheField(int at)
    {
        var writer = new ArrayBufferWriter<byte>();
        _serializer.Serialize(new Message { Type = MessageType.Get, ErrorCode = DkvErrorCode.Internal, Error = new string('e', 41) }, writer);
        byte[] bytes = writer.WrittenSpan.ToArray();
        // type, flags, error code, text length (4): the text starts at byte 7.
        bytes[7 + at] = 0xC3;

        var ex = Assert.Throws<DkvException>(() => _serializer.Deserialize(bytes));

        Assert.That((ex!.Code, ex.Message.Contains("error", StringComparison.Ordinal)), Is.EqualTo((DkvErrorCode.MalformedMessage, true)));
    }

    [Test]
    public void Deserialize_ValueAndMeta_ShareOneArrayThatIsACopy()
    {
        byte[] encoded = Encode(new Message { Type = MessageType.CompareAndSetE, Key = "k", Value = new byte[] { 1, 2, 3 }, Meta = new byte[] { 9, 8 } });

        var back = _serializer.Deserialize(encoded);
        Assert.That(MemoryMarshal.TryGetArray(back.Value!.Value, out ArraySegment<byte> value), Is.True);
        Assert.That(MemoryMarshal.TryGetArray(back.Meta!.Value, out ArraySegment<byte> meta), Is.True);
        encoded.AsSpan().Clear();

        Assert.That(ReferenceEquals(value.Array, meta.Array), Is.True);
        Assert.That((value.ToArray(), meta.ToArray()), Is.EqualTo((new byte[] { 1, 2, 3 }, new byte[] { 9, 8 })));
    }

    [Test]
    public void Deserialize_EmptyValueAndMissingMeta_StayDistinct()
    {
        var back = RoundTrip(new Message { Type = MessageType.Set, Key = "k", Value = ReadOnlyMemory<byte>.Empty });

        Assert.That((back.Value.HasValue, back.Value?.Length, back.Meta.HasValue), Is.EqualTo((true, 0, false)));
    }

    [Test]
    public void Serialize_IntoExactlySizedBuffer_WritesTheExactLength()
    {
        var message = new Message { Type = MessageType.Set, Key = "€€€", Value = new byte[100], Index = 7 };
        var writer = new ArrayBufferWriter<byte>(1);

        _serializer.Serialize(message, writer);

        // type, flags, key (4 + 9), value (4 + 100), index 8: the worst-case reservation is not what gets committed.
        Assert.That(writer.WrittenCount, Is.EqualTo(2 + 13 + 104 + 8));
    }

    private Message RoundTrip(in Message message) => _serializer.Deserialize(Encode(message));

    private byte[] Encode(in Message message)
    {
        var writer = new ArrayBufferWriter<byte>();
        _serializer.Serialize(message, writer);
        return writer.WrittenSpan.ToArray();
    }
}
