using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using FsCheck;
using FsCheck.Fluent;

namespace DKV.Testing.Serializers;

/// <summary>
/// The contract every <see cref="IRpcSerializer"/> must keep. Inherit it in an NUnit test project and return the serializer
/// under test from <see cref="CreateSerializer"/>; override the virtual members to tune sizes or add format-specific inputs.
/// </summary>
/// <remarks>
/// Covers: round trips of every message type, error code and field combination (null versus empty key, value and meta; zero and
/// maximum durations and index; Unicode keys; values up to <see cref="MaxValueBytes"/>); a property test over random messages;
/// decoding of truncated, random and mutated input (only <see cref="DkvErrorCode.MalformedMessage"/>, bounded time and memory);
/// and serializing into a reused buffer without allocating. Split by concern over partial files.
/// </remarks>
public abstract partial class SerializerConformanceTests
{
    private IRpcSerializer _serializer = null!;

    /// <summary>The largest value the round-trip tests send. Default 1 MiB.</summary>
    protected virtual int MaxValueBytes => 1 << 20;

    /// <summary>How many random messages the property test tries. Default 300.</summary>
    protected virtual int PropertyTestCount => 300;

    /// <summary>The serializer under test; called once per test.</summary>
    protected abstract IRpcSerializer CreateSerializer();

    /// <summary>The serializer created for the current test.</summary>
    protected IRpcSerializer Serializer => _serializer;

    public static IEnumerable<TestCaseData> TypeCases() =>
        MessageSamples.AllTypes().Select(t => new TestCaseData(t).SetArgDisplayNames(t.ToString()));

    public static IEnumerable<TestCaseData> ErrorCodeCases() =>
        MessageSamples.AllErrorCodes().Select(c => new TestCaseData(c).SetArgDisplayNames(c.ToString()));

    public static IEnumerable<TestCaseData> FieldCases() =>
        MessageSamples.FieldCombinations().Select(c => new TestCaseData(c.Message).SetArgDisplayNames(c.Name));

    [SetUp]
    public void CreateSerializerUnderTest()
    {
        _serializer = CreateSerializer();
        Assert.That(_serializer, Is.Not.Null, "CreateSerializer returned null");
    }

    [Test]
    public void Name_IsShortLowerCaseToken()
    {
        Assert.That(Serializer.Name, Does.Match("^[a-z0-9][a-z0-9-]{0,31}$"), "serializer names are short lower-case tokens used on the command line and in the handshake");
    }

    [TestCaseSource(nameof(TypeCases))]
    public void RoundTrip_EveryMessageType_PreservesMessage(MessageType type)
    {
        AssertRoundTrip(new Message { Type = type });
        AssertRoundTrip(new Message { Type = type, Key = "k", Value = "v"u8.ToArray(), Ok = true, Index = 7 });
    }

    [TestCaseSource(nameof(ErrorCodeCases))]
    public void RoundTrip_EveryErrorCode_PreservesCodeAndText(DkvErrorCode code)
    {
        AssertRoundTrip(new Message { Type = MessageType.Set, ErrorCode = code, Error = $"failure {code}" });
        AssertRoundTrip(new Message { Type = MessageType.Error, ErrorCode = code });
    }

    [TestCaseSource(nameof(FieldCases))]
    public void RoundTrip_FieldCombination_PreservesMessage(Message message)
    {
        AssertRoundTrip(message);
    }

    [Test]
    public void RoundTrip_NullAndEmptyFields_StayDistinct()
    {
        Message missing = RoundTrip(new Message { Type = MessageType.Get, Key = null, Value = null, Error = null, Meta = null });
        Message empty = RoundTrip(new Message { Type = MessageType.Get, Key = string.Empty, Value = Array.Empty<byte>(), Error = string.Empty, Meta = Array.Empty<byte>() });
        Assert.Multiple(() =>
        {
            Assert.That(missing.Key, Is.Null, "null key");
            Assert.That(missing.Value.HasValue, Is.False, "missing value");
            Assert.That(missing.Error, Is.Null, "null error");
            Assert.That(missing.Meta.HasValue, Is.False, "missing meta");
            Assert.That(empty.Key, Is.EqualTo(string.Empty), "empty key");
            Assert.That(empty.Value.HasValue && empty.Value.Value.IsEmpty, Is.True, "empty value");
            Assert.That(empty.Error, Is.EqualTo(string.Empty), "empty error");
            Assert.That(empty.Meta.HasValue && empty.Meta.Value.IsEmpty, Is.True, "empty meta");
        });
    }

    [Test]
    public void RoundTrip_ValueSizesUpToMaximum_PreservesBytes()
    {
        int[] sizes = [0, 1, 15, 16, 31, 32, 127, 128, 255, 256, 4095, 4096, 16 * 1024, 65535, 65536, 65537, MaxValueBytes - 1, MaxValueBytes];
        foreach (int size in sizes.Where(s => s >= 0 && s <= MaxValueBytes).Distinct())
        {
            AssertRoundTrip(new Message { Type = MessageType.Set, Key = "big", Value = MessageSamples.Pattern(size) });
            AssertRoundTrip(new Message { Type = MessageType.Custom, Meta = MessageSamples.Pattern(size) });
        }
    }

    [Test]
    public void RoundTrip_SubMillisecondDurations_AreCutToWholeMilliseconds()
    {
        var message = new Message { Type = MessageType.SetE, Key = "k", ExpireIn = TimeSpan.FromTicks(15_001), DeleteIn = TimeSpan.FromTicks(9_999) };
        Message back = RoundTrip(message);
        Assert.Multiple(() =>
        {
            Assert.That(back.ExpireIn, Is.EqualTo(TimeSpan.FromMilliseconds(1)));
            Assert.That(back.DeleteIn, Is.EqualTo(TimeSpan.Zero));
        });
    }

    [Test]
    public void RoundTrip_RandomMessages_PreserveContent()
    {
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(PropertyTestCount),
            Prop.ForAll(MessageGenerators.Messages(), message =>
            {
                Message back = RoundTrip(message);
                return back.ContentEquals(message);
            }));
    }

    [Test]
    public void Deserialize_SourceOverwrittenAfterwards_ResultKeepsItsBytes()
    {
        Message message = MessageSamples.Complete(64);
        byte[] encoded = Encode(message);
        Message back = Serializer.Deserialize(encoded);
        Array.Fill(encoded, (byte)0xEE);
        Assert.That(back.ContentEquals(message), Is.True, "decoded byte fields must not refer to the caller's buffer: " + MessageSamples.Describe(back));
    }

    [Test]
    public void Serialize_TwoMessagesIntoOneWriter_AppendsAfterWhatIsThere()
    {
        var writer = new ReusableBufferWriter(16);
        Message first = new() { Type = MessageType.Set, Key = "first", Value = MessageSamples.Pattern(100) };
        Message second = MessageSamples.Complete(300);
        Serializer.Serialize(first, writer);
        int firstLength = writer.WrittenCount;
        Serializer.Serialize(second, writer);
        byte[] all = writer.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(Serializer.Deserialize(all.AsSpan(0, firstLength)).ContentEquals(first), Is.True, "first message");
            Assert.That(Serializer.Deserialize(all.AsSpan(firstLength)).ContentEquals(second), Is.True, "second message");
        });
    }

    [Test]
    public void Serialize_NegativeDuration_ThrowsInvalidArgument()
    {
        var writer = new ReusableBufferWriter();
        var ex = Assert.Throws<DkvException>(() => Serializer.Serialize(new Message { Type = MessageType.SetE, ExpireIn = TimeSpan.FromMilliseconds(-1) }, writer));
        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
    }

    [Test]
    public void Serialize_LoneSurrogateInKey_ThrowsInvalidArgument()
    {
        var writer = new ReusableBufferWriter();
        var ex = Assert.Throws<DkvException>(() => Serializer.Serialize(new Message { Type = MessageType.Get, Key = "a\ud800b" }, writer));
        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
    }

    /// <summary>Serializes into a fresh buffer and returns a copy of the bytes.</summary>
    protected byte[] Encode(in Message message)
    {
        var writer = new ReusableBufferWriter();
        Serializer.Serialize(message, writer);
        return writer.ToArray();
    }

    /// <summary>Serializes and deserializes.</summary>
    protected Message RoundTrip(in Message message) => Serializer.Deserialize(Encode(message));

    /// <summary>Asserts that <paramref name="message"/> survives a round trip field for field.</summary>
    protected void AssertRoundTrip(in Message message)
    {
        Message back = RoundTrip(message);
        Assert.That(
            back.ContentEquals(message),
            Is.True,
            $"round trip changed the message:\n  sent {MessageSamples.Describe(message)}\n  got  {MessageSamples.Describe(back)}");
    }
}
