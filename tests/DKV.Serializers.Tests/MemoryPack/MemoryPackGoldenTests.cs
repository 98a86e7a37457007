using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Serializers.MemoryPack;
using DKV.Testing.Serializers;

namespace DKV.Serializers.Tests.MemoryPack;

/// <summary>
/// Byte-exact encodings worked out by hand from MemoryPack's published wire format for the class in docs/serializers.md:
/// <c>(byte memberCount, values...)</c>; unmanaged values little-endian as laid out in memory (byte enums 1 byte, bool 1 byte,
/// TimeSpan its int64 ticks, ulong 8 bytes); string null <c>FFFFFFFF</c>, empty <c>00000000</c>, else UTF-8 form
/// <c>(int ~utf8ByteCount, int utf16Length, utf8 bytes)</c>; byte[] <c>(int length or -1, bytes)</c>.
/// </summary>
[TestFixture]
public sealed class MemoryPackGoldenTests
{
    private readonly MemoryPackSerializer _serializer = new();

    [Test]
    public void Serialize_DefaultMessage_MatchesHandDerivedBytes()
    {
        // 0A                member count 10
        // 00                Type = Unknown
        // FFFFFFFF          Key = null (-1)
        // 00x8 00x8         ExpireIn, DeleteIn = 0 ticks
        // FFFFFFFF          Value = null (-1)
        // 00                Ok = false
        // 00x8              Index = 0
        // 00                ErrorCode = None
        // FFFFFFFF FFFFFFFF Error = null, Meta = null            (44 bytes)
        AssertGolden(default, "0A00FFFFFFFF" + Zeros(16) + "FFFFFFFF00" + Zeros(8) + "00FFFFFFFFFFFFFFFF");
    }

    [Test]
    public void Serialize_SetFooBar_MatchesHandDerivedBytes()
    {
        // 0A 03                       count, Type = Set (3)
        // FCFFFFFF 03000000 666F6F    Key "foo": ~3 = -4, 3 UTF-16 chars, UTF-8 bytes
        // 00x16                       no TTLs
        // 03000000 626172             Value "bar": length 3, bytes
        // 00 00x8 00                  Ok, Index, ErrorCode
        // FFFFFFFF FFFFFFFF           Error null, Meta null
        AssertGolden(
            new Message { Type = MessageType.Set, Key = "foo", Value = "bar"u8.ToArray() },
            "0A03FCFFFFFF03000000666F6F" + Zeros(16) + "03000000626172" + "00" + Zeros(8) + "00" + "FFFFFFFFFFFFFFFF");
    }

    [Test]
    public void Serialize_EmptyKeyAndEmptyValue_MatchesHandDerivedBytes()
    {
        // 0A 08 | 00000000 (Key "" = length 0) | 00x16 | 00000000 (Value empty = length 0) | 00 00x8 00 | FFFFFFFF FFFFFFFF
        AssertGolden(
            new Message { Type = MessageType.Get, Key = string.Empty, Value = Array.Empty<byte>() },
            "0A0800000000" + Zeros(16) + "00000000" + "00" + Zeros(8) + "00" + "FFFFFFFFFFFFFFFF");
    }

    [Test]
    public void Serialize_SetEWithTtlsOkAndIndex_MatchesHandDerivedBytes()
    {
        // 0A 04                        count, Type = SetE (4)
        // FEFFFFFF 01000000 6B         Key "k": ~1 = -2, 1 char, 'k'
        // 00A3E11100000000             ExpireIn 30 s = 300,000,000 ticks = 0x11E1A300, little-endian
        // 0068C46108000000             DeleteIn 1 h = 36,000,000,000 ticks = 0x0000000861C46800, little-endian
        // 01000000 76                  Value "v"
        // 01                           Ok = true
        // 2A00000000000000             Index = 42
        // 00 FFFFFFFF FFFFFFFF         ErrorCode None, Error null, Meta null
        AssertGolden(
            new Message
            {
                Type = MessageType.SetE, Key = "k", ExpireIn = TimeSpan.FromSeconds(30), DeleteIn = TimeSpan.FromHours(1),
                Value = "v"u8.ToArray(), Ok = true, Index = 42,
            },
            "0A04FEFFFFFF010000006B" + "00A3E11100000000" + "0068C46108000000" + "0100000076" + "01" + "2A00000000000000" + "00FFFFFFFFFFFFFFFF");
    }

    [Test]
    public void Serialize_ErrorResponseWithUnicodeText_MatchesHandDerivedBytes()
    {
        // 0A 02 FFFFFFFF               count, Type = Error (2), Key null
        // 00x16 FFFFFFFF 00            no TTLs, Value null, Ok false
        // FFFFFFFFFFFFFFFF             Index = ulong.MaxValue
        // 0A                           ErrorCode = UnknownShard (10)
        // FCFFFFFF 02000000 C3A921     Error "é!": 3 UTF-8 bytes (~3 = -4), 2 UTF-16 chars
        // 00000000                     Meta = empty (length 0)
        AssertGolden(
            new Message { Type = MessageType.Error, Index = ulong.MaxValue, ErrorCode = DkvErrorCode.UnknownShard, Error = "é!", Meta = Array.Empty<byte>() },
            "0A02FFFFFFFF" + Zeros(16) + "FFFFFFFF00" + "FFFFFFFFFFFFFFFF" + "0A" + "FCFFFFFF02000000C3A921" + "00000000");
    }

    [Test]
    public void Serialize_EmojiKey_MatchesHandDerivedBytes()
    {
        // Key "😀" (U+1F600): UTF-8 F0 9F 98 80 (4 bytes, ~4 = -5 = FBFFFFFF), UTF-16 length 2 (a surrogate pair)
        AssertGolden(
            new Message { Type = MessageType.Has, Key = "😀" },
            "0A09FBFFFFFF02000000F09F9880" + Zeros(16) + "FFFFFFFF00" + Zeros(8) + "00FFFFFFFFFFFFFFFF");
    }

    [Test]
    public void Deserialize_Utf16StringForm_IsAccepted()
    {
        // Key "foo" in MemoryPack's UTF-16 form: 03000000 (3 chars) 6600 6F00 6F00
        byte[] bytes = Convert.FromHexString("0A03030000006600 6F006F00".Replace(" ", string.Empty, StringComparison.Ordinal) + Zeros(16) + "03000000626172" + "00" + Zeros(8) + "00" + "FFFFFFFFFFFFFFFF");
        Assert.That(_serializer.Deserialize(bytes).ContentEquals(new Message { Type = MessageType.Set, Key = "foo", Value = "bar"u8.ToArray() }), Is.True);
    }

    [Test]
    public void Deserialize_Utf8FormWithUnknownUtf16Length_IsAccepted()
    {
        // MemoryPack allows utf16-length -1 (unknown) in the UTF-8 form.
        byte[] bytes = Convert.FromHexString("0A03FCFFFFFFFFFFFFFF666F6F" + Zeros(16) + "FFFFFFFF00" + Zeros(8) + "00FFFFFFFFFFFFFFFF");
        Assert.That(_serializer.Deserialize(bytes).Key, Is.EqualTo("foo"));
    }

    [Test]
    public void Deserialize_OlderSchemaWithFewerMembers_LeavesTheRestDefault()
    {
        // member count 2: only Type and Key follow
        Message decoded = _serializer.Deserialize(Convert.FromHexString("0208FEFFFFFF010000006B"));
        Assert.That(decoded.ContentEquals(new Message { Type = MessageType.Get, Key = "k" }), Is.True, MessageSamples.Describe(decoded));
    }

    [Test]
    public void Deserialize_SubMillisecondTicks_AreCutToWholeMilliseconds()
    {
        // ExpireIn 15,001 ticks (1.5001 ms) = 0x3A99
        byte[] bytes = Convert.FromHexString("0A04FFFFFFFF993A000000000000" + Zeros(8) + "FFFFFFFF00" + Zeros(8) + "00FFFFFFFFFFFFFFFF");
        Assert.That(_serializer.Deserialize(bytes).ExpireIn, Is.EqualTo(TimeSpan.FromMilliseconds(1)));
    }

    [TestCase("FF", TestName = "Deserialize_NullObjectHeader_Malformed")]
    [TestCase("0B", TestName = "Deserialize_MoreMembersThanMessage_Malformed")]
    [TestCase("0600FFFFFFFF0000000000000000" + "0000000000000000" + "FFFFFFFF02", TestName = "Deserialize_BoolByteTwo_Malformed")]
    [TestCase("0300FFFFFFFFFFFFFFFFFFFFFFFF", TestName = "Deserialize_NegativeTicks_Malformed")]
    [TestCase("0200FEFFFFFF020000006B", TestName = "Deserialize_Utf16LengthMismatch_Malformed")]
    [TestCase("020001000000" + "00D8", TestName = "Deserialize_LoneSurrogateInUtf16Form_Malformed")]
    [TestCase("0500FFFFFFFF" + "0000000000000000" + "0000000000000000" + "FEFFFFFF", TestName = "Deserialize_ByteArrayLengthBelowMinusOne_Malformed")]
    public void Deserialize_InvalidInput_ThrowsMalformed(string hex)
    {
        var ex = Assert.Throws<DkvException>(() => _serializer.Deserialize(Convert.FromHexString(hex)));
        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.MalformedMessage), ex.Message);
    }

    private static string Zeros(int bytes) => new('0', bytes * 2);

    private void AssertGolden(in Message message, string expectedHex)
    {
        var writer = new ReusableBufferWriter();
        _serializer.Serialize(message, writer);
        Assert.That(Convert.ToHexString(writer.WrittenSpan), Is.EqualTo(expectedHex), "encoding differs from the hand-derived MemoryPack bytes");
        Assert.That(_serializer.Deserialize(Convert.FromHexString(expectedHex)).ContentEquals(message), Is.True, "the golden bytes do not decode back");
    }
}
