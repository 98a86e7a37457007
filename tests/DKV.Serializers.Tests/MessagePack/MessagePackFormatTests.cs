using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Serializers.MessagePack;
using DKV.Testing.Serializers;

namespace DKV.Serializers.Tests.MessagePack;

/// <summary>Exact bytes of the msgpack format and the encodings its reader must accept or refuse (hex from the MessagePack spec).</summary>
[TestFixture]
public sealed class MessagePackFormatTests
{
    private readonly MessagePackSerializer _serializer = new();

    [TestCase("SetFooBar", "83A17403A16BA3666F6FA176C403626172")]
    [TestCase("Empty", "81A17400")]
    [TestCase("EmptyKey", "82A17408A16BA0")]
    [TestCase("EmptyValue", "83A17403A16BA16BA176C400")]
    [TestCase("IndexMax", "82A17403A169CFFFFFFFFFFFFFFFFF")]
    [TestCase("ErrorWithNullText", "82A17403A16306")]
    [TestCase("Key32Bytes", "82A17408A16BD920" + "6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B6B")]
    public void Serialize_Sample_IsSmallestEncoding(string sample, string expectedHex)
    {
        Message message = MessageSamples.FieldCombinations().Single(s => s.Name == sample).Message;
        Assert.That(Convert.ToHexString(Encode(message)), Is.EqualTo(expectedHex));
    }

    [Test]
    public void Serialize_IntegerBoundaries_UseSmallestWidth()
    {
        // fixint up to 127, then uint8, uint16, uint32, uint64 (the index field, key 'i' = a1 69)
        (ulong Value, string Hex)[] cases =
        [
            (127, "7F"), (128, "CC80"), (255, "CCFF"), (256, "CD0100"), (65535, "CDFFFF"), (65536, "CE00010000"),
            (uint.MaxValue, "CEFFFFFFFF"), ((ulong)uint.MaxValue + 1, "CF0000000100000000"),
        ];
        foreach ((ulong value, string hex) in cases)
        {
            Assert.That(Convert.ToHexString(Encode(new Message { Index = value })), Is.EqualTo("82A17400A169" + hex), $"index {value}");
        }
    }

    [Test]
    public void Serialize_BinaryLengthBoundaries_UseBin8Bin16Bin32()
    {
        Assert.That(Convert.ToHexString(Encode(new Message { Value = new byte[255] }))[..14], Is.EqualTo("82A17400A176C4"));
        Assert.That(Convert.ToHexString(Encode(new Message { Value = new byte[256] }))[..18], Is.EqualTo("82A17400A176C50100"));
        Assert.That(Convert.ToHexString(Encode(new Message { Value = new byte[65536] }))[..22], Is.EqualTo("82A17400A176C600010000"));
    }

    [TestCase("83A17403A16BA3666F6FA176C403626172", TestName = "Deserialize_SmallestForms_Accepted")]
    [TestCase("83A174D003A16BD903666F6FA176C50003626172", TestName = "Deserialize_Int8TypeStr8KeyBin16Value_Accepted")]
    [TestCase("83A174CD0003A16BDA0003666F6FA176C60000000362617 2", TestName = "Deserialize_UInt16TypeStr16KeyBin32Value_Accepted")]
    [TestCase("DE0003A174CF0000000000000003A16BDB00000003666F6FA176C403626172", TestName = "Deserialize_Map16UInt64TypeStr32Key_Accepted")]
    [TestCase("DF00000003A174D30000000000000003A16BA3666F6FA176C403626172", TestName = "Deserialize_Map32Int64Type_Accepted")]
    [TestCase("83A176C403626172A16BA3666F6FA17403", TestName = "Deserialize_AnyKeyOrder_Accepted")]
    [TestCase("85A17403A16BA3666F6FA176C403626172A3787878929100C0017B", TestName = "Deserialize_UnknownStrKeysWithNestedValues_Skipped")]
    [TestCase("8501C3A17403A16BA3666F6FA176C403626172C0CB3FF8000000000000", TestName = "Deserialize_NonStrMapKeys_Skipped")]
    [TestCase("85A17403A16BA3666F6FA176C403626172A16DC0A172C0", TestName = "Deserialize_NilFields_ReadAsNull")]
    public void Deserialize_ValidAlternativeEncoding_IsSetFooBar(string hex)
    {
        Message decoded = _serializer.Deserialize(Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal)));
        var expected = new Message { Type = MessageType.Set, Key = "foo", Value = "bar"u8.ToArray() };
        Assert.That(decoded.ContentEquals(expected), Is.True, MessageSamples.Describe(decoded));
    }

    [TestCase("9103", TestName = "Deserialize_ArrayInsteadOfMap_Malformed")]
    [TestCase("82A17403A17404", TestName = "Deserialize_DuplicateKey_Malformed")]
    [TestCase("81A174CD0100", TestName = "Deserialize_TypeAbove255_Malformed")]
    [TestCase("82A17400A169FF", TestName = "Deserialize_NegativeFixIntIndex_Malformed")]
    [TestCase("82A17400A169D0FF", TestName = "Deserialize_NegativeInt8Index_Malformed")]
    [TestCase("82A17400A176A3626172", TestName = "Deserialize_StrForBinField_Malformed")]
    [TestCase("82A17400A16BC403666F6F", TestName = "Deserialize_BinForStrField_Malformed")]
    [TestCase("82A17400A16FCC01", TestName = "Deserialize_IntegerForBool_Malformed")]
    [TestCase("82A17400A169CB3FF8000000000000", TestName = "Deserialize_FractionalFloatForInteger_Malformed")]
    [TestCase("82A17400A16BA2C328", TestName = "Deserialize_InvalidUtf8Key_Malformed")]
    [TestCase("82A17400A178C1", TestName = "Deserialize_NeverUsedByte_Malformed")]
    [TestCase("82A17400A165CF7FFFFFFFFFFFFFFF", TestName = "Deserialize_DurationBeyondTimeSpan_Malformed")]
    public void Deserialize_InvalidInput_ThrowsMalformed(string hex)
    {
        var ex = Assert.Throws<DkvException>(() => _serializer.Deserialize(Convert.FromHexString(hex)));
        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.MalformedMessage), ex.Message);
    }

    [Test]
    public void Deserialize_NestingBeyondLimit_MalformedAndWithinLimitAccepted()
    {
        // {t: 0, x: [[[ ... ]]]} with 40 nested fixarrays of one element, innermost 0
        byte[] nested = Convert.FromHexString("82A17400A178" + string.Concat(Enumerable.Repeat("91", 40)) + "00");
        var ex = Assert.Throws<DkvException>(() => _serializer.Deserialize(nested));
        Assert.That(ex!.Message, Does.Contain("MaxNestingDepth"));

        var lenient = new MessagePackSerializer(new MessagePackSerializerOptions { MaxNestingDepth = 64 });
        Assert.That(lenient.Deserialize(nested).Type, Is.EqualTo(MessageType.Unknown));
    }

    [TestCase(0)]
    [TestCase(257)]
    public void Constructor_NestingDepthOutOfRange_ThrowsInvalidArgument(int depth)
    {
        var ex = Assert.Throws<DkvException>(() => _ = new MessagePackSerializer(new MessagePackSerializerOptions { MaxNestingDepth = depth }));
        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
    }

    private byte[] Encode(in Message message)
    {
        var writer = new ReusableBufferWriter();
        _serializer.Serialize(message, writer);
        return writer.ToArray();
    }
}
