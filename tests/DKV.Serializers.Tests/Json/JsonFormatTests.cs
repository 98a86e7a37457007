using System.Text;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Serializers.Json;
using DKV.Testing.Serializers;

namespace DKV.Serializers.Tests.Json;

/// <summary>Exact text of the json format (upstream dKV's examples) and what its reader accepts or refuses.</summary>
[TestFixture]
public sealed class JsonFormatTests
{
    private readonly JsonTextSerializer _serializer = new();

    [Test]
    public void Serialize_SetFooBar_IsUpstreamText()
    {
        Assert.That(Encode(new Message { Type = MessageType.Set, Key = "foo", Value = "bar"u8.ToArray() }), Is.EqualTo("{\"msg_type\":\"set\",\"key\":\"foo\",\"value\":\"YmFy\"}"));
    }

    [Test]
    public void Serialize_Success_Is22Bytes()
    {
        string text = Encode(new Message { Type = MessageType.Success });
        Assert.That(text, Is.EqualTo("{\"msg_type\":\"success\"}"));
        Assert.That(Encoding.UTF8.GetByteCount(text), Is.EqualTo(22));
    }

    [Test]
    public void Serialize_CompleteMessage_NamesTypeAndCodeAndUsesBase64()
    {
        Assert.That(
            Encode(MessageSamples.Complete(3)),
            Is.EqualTo("{\"msg_type\":\"setE\",\"key\":\"complete-message-key\",\"expireIn\":60000,\"deleteIn\":120000,\"value\":\"AAEC\",\"ok\":true,"
                + "\"index\":123456789,\"errorCode\":\"unavailable\",\"err\":\"shard 100 is electing a leader; retry shortly\",\"meta\":\"AAECAwQFBgc=\"}"));
    }

    [Test]
    public void Serialize_UnicodeKey_BmpWrittenAsUtf8SupplementaryEscaped()
    {
        // The relaxed encoder keeps BMP text as UTF-8 but escapes characters outside the BMP as a \uXXXX surrogate pair (valid JSON).
        Assert.That(
            Encode(new Message { Type = MessageType.Get, Key = "ключ😀\"" }),
            Is.EqualTo("{\"msg_type\":\"get\",\"key\":\"ключ\\uD83D\\uDE00\\\"\"}"));
    }

    [Test]
    public void RoundTrip_UndefinedTypeAndCode_WrittenAsNumbers()
    {
        var message = new Message { Type = (MessageType)200, ErrorCode = (DkvErrorCode)99 };
        Assert.That(Encode(message), Is.EqualTo("{\"msg_type\":200,\"errorCode\":99}"));
        Assert.That(Decode("{\"msg_type\":200,\"errorCode\":99}").ContentEquals(message), Is.True);
    }

    [TestCase("{\"msg_type\":\"set\",\"key\":\"foo\",\"value\":\"YmFy\"}", TestName = "Deserialize_UpstreamSet_Accepted")]
    [TestCase(" {\"value\":\"YmFy\", \"key\":\"foo\",\"msg_type\":\"set\"}\n", TestName = "Deserialize_AnyOrderAndWhitespace_Accepted")]
    [TestCase("{\"msg_type\":3,\"key\":\"foo\",\"value\":\"YmFy\"}", TestName = "Deserialize_NumericType_Accepted")]
    [TestCase("{\"msg_type\":\"set\",\"key\":\"foo\",\"value\":\"YmFy\",\"extra\":{\"a\":[1,2,{\"b\":null}]},\"x\":1.5}", TestName = "Deserialize_UnknownPropertiesWithNestedValues_Ignored")]
    [TestCase("{\"msg_type\":\"set\",\"key\":\"foo\",\"value\":\"YmFy\",\"meta\":null,\"err\":null,\"expireIn\":null}", TestName = "Deserialize_NullProperties_ReadAsAbsent")]
    [TestCase("{\"msg_type\":\"set\",\"key\":\"f\\u006fo\",\"value\":\"YmFy\"}", TestName = "Deserialize_EscapedKey_Unescaped")]
    public void Deserialize_ValidText_IsSetFooBar(string json)
    {
        Message decoded = Decode(json);
        Assert.That(decoded.ContentEquals(new Message { Type = MessageType.Set, Key = "foo", Value = "bar"u8.ToArray() }), Is.True, MessageSamples.Describe(decoded));
    }

    [Test]
    public void Deserialize_ErrorCodeByNameOrNumber_Accepted()
    {
        Assert.That(Decode("{\"msg_type\":\"get\",\"errorCode\":\"not-leader\"}").ErrorCode, Is.EqualTo(DkvErrorCode.NotLeader));
        Assert.That(Decode("{\"msg_type\":\"get\",\"errorCode\":4}").ErrorCode, Is.EqualTo(DkvErrorCode.NotLeader));
    }

    [TestCase("[1]", TestName = "Deserialize_ArrayInsteadOfObject_Malformed")]
    [TestCase("{\"msg_type\":\"sett\"}", TestName = "Deserialize_UnknownTypeName_Malformed")]
    [TestCase("{\"msg_type\":\"set\",\"msg_type\":\"get\"}", TestName = "Deserialize_DuplicateProperty_Malformed")]
    [TestCase("{\"msg_type\":\"set\",\"value\":\"not base64!\"}", TestName = "Deserialize_InvalidBase64_Malformed")]
    [TestCase("{\"msg_type\":\"set\",\"index\":-1}", TestName = "Deserialize_NegativeIndex_Malformed")]
    [TestCase("{\"msg_type\":\"set\",\"expireIn\":1.5}", TestName = "Deserialize_FractionalDuration_Malformed")]
    [TestCase("{\"msg_type\":\"set\",\"ok\":1}", TestName = "Deserialize_NumberForBool_Malformed")]
    [TestCase("{\"msg_type\":\"set\",\"key\":7}", TestName = "Deserialize_NumberForKey_Malformed")]
    [TestCase("{\"msg_type\":\"set\",\"errorCode\":\"oops\"}", TestName = "Deserialize_UnknownErrorCodeName_Malformed")]
    [TestCase("{\"msg_type\":\"set\",\"key\":\"\\ud800\"}", TestName = "Deserialize_LoneSurrogateEscape_Malformed")]
    [TestCase("{\"msg_type\":\"set\"} {}", TestName = "Deserialize_TwoObjects_Malformed")]
    [TestCase("{\"msg_type\":\"set\",}", TestName = "Deserialize_TrailingComma_Malformed")]
    public void Deserialize_InvalidText_ThrowsMalformed(string json)
    {
        var ex = Assert.Throws<DkvException>(() => Decode(json));
        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.MalformedMessage), ex.Message);
    }

    [Test]
    public void Deserialize_InvalidUtf8_ThrowsMalformed()
    {
        byte[] bytes = [.. "{\"msg_type\":\"set\",\"key\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        var ex = Assert.Throws<DkvException>(() => _serializer.Deserialize(bytes));
        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.MalformedMessage));
    }

    [Test]
    public void Deserialize_NestingBeyondMaxDepth_MalformedAndWithinLimitAccepted()
    {
        string json = "{\"msg_type\":\"get\",\"x\":" + new string('[', 20) + new string(']', 20) + "}";
        Assert.Throws<DkvException>(() => Decode(json));
        var lenient = new JsonTextSerializer(new JsonTextSerializerOptions { MaxDepth = 32 });
        Assert.That(lenient.Deserialize(Encoding.UTF8.GetBytes(json)).Type, Is.EqualTo(MessageType.Get));
    }

    [TestCase(0)]
    [TestCase(65)]
    public void Constructor_MaxDepthOutOfRange_ThrowsInvalidArgument(int depth)
    {
        var ex = Assert.Throws<DkvException>(() => _ = new JsonTextSerializer(new JsonTextSerializerOptions { MaxDepth = depth }));
        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
    }

    private string Encode(in Message message)
    {
        var writer = new ReusableBufferWriter();
        _serializer.Serialize(message, writer);
        return Encoding.UTF8.GetString(writer.WrittenSpan);
    }

    private Message Decode(string json) => _serializer.Deserialize(Encoding.UTF8.GetBytes(json));
}
