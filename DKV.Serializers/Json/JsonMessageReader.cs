using System.Text.Json;
using DKV.Core.Errors;
using DKV.Core.Messages;

namespace DKV.Serializers.Json;

/// <summary>Reads the message object of the <c>json</c> format, property by property in any order.</summary>
internal static class JsonMessageReader
{
    private static readonly string[] s_propertyNames = ["msg_type", "key", "expireIn", "deleteIn", "value", "ok", "index", "errorCode", "err", "meta"];

    /// <summary>True for codes that have a name (the defined ones); others are written as numbers.</summary>
    public static bool IsNamedErrorCode(DkvErrorCode code) => code <= DkvErrorCodes.Last;

    public static Message Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Malformed($"expected a JSON object, found {(reader.TokenType == JsonTokenType.None ? "nothing" : reader.TokenType.ToString())}");
        }

        var fields = default(DecodedFields);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int field = FieldOf(ref reader);
            reader.Read();
            if (field < 0)
            {
                reader.Skip();
                continue;
            }

            if ((fields.Seen & (1 << field)) != 0)
            {
                throw Malformed($"property '{s_propertyNames[field]}' appears twice");
            }

            fields.Seen |= 1 << field;
            if (reader.TokenType != JsonTokenType.Null)
            {
                ReadField(ref reader, field, ref fields);
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw Malformed($"expected a property name or the end of the object, found {reader.TokenType}");
        }

        if (reader.Read())
        {
            throw Malformed($"unexpected {reader.TokenType} after the message object");
        }

        return fields.ToMessage();
    }

    // Compares the raw UTF-8 name (no transcoding); escaped names still match because ValueTextEquals unescapes.
    private static int FieldOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("msg_type"u8) ? 0
        : reader.ValueTextEquals("key"u8) ? 1
        : reader.ValueTextEquals("expireIn"u8) ? 2
        : reader.ValueTextEquals("deleteIn"u8) ? 3
        : reader.ValueTextEquals("value"u8) ? 4
        : reader.ValueTextEquals("ok"u8) ? 5
        : reader.ValueTextEquals("index"u8) ? 6
        : reader.ValueTextEquals("errorCode"u8) ? 7
        : reader.ValueTextEquals("err"u8) ? 8
        : reader.ValueTextEquals("meta"u8) ? 9
        : -1;

    private static void ReadField(ref Utf8JsonReader reader, int field, ref DecodedFields fields)
    {
        switch (field)
        {
            case 0: fields.Type = ReadType(ref reader); break;
            case 1: fields.Key = ReadString(ref reader, "key"); break;
            case 2: fields.ExpireIn = DurationCodec.FromWire(ReadUInt64(ref reader, "expireIn")); break;
            case 3: fields.DeleteIn = DurationCodec.FromWire(ReadUInt64(ref reader, "deleteIn")); break;
            case 4: fields.Value = ReadBase64(ref reader, "value"); break;
            case 5: fields.Ok = ReadBool(ref reader); break;
            case 6: fields.Index = ReadUInt64(ref reader, "index"); break;
            case 7: fields.ErrorCode = ReadErrorCode(ref reader); break;
            case 8: fields.Error = ReadString(ref reader, "err"); break;
            default: fields.Meta = ReadBase64(ref reader, "meta"); break;
        }
    }

    private static MessageType ReadType(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return (MessageType)ReadByte(ref reader, "msg_type");
        }

        string name = ReadString(ref reader, "msg_type");
        if (!MessageTypes.TryParse(name, out MessageType type))
        {
            throw Malformed($"unknown message type '{name}'; use a name such as 'set' or 'get', or the numeric code");
        }

        return type;
    }

    private static DkvErrorCode ReadErrorCode(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return (DkvErrorCode)ReadByte(ref reader, "errorCode");
        }

        string name = ReadString(ref reader, "errorCode");
        for (var code = DkvErrorCode.None; IsNamedErrorCode(code); code++)
        {
            if (string.Equals(DkvErrorCodes.ToName(code), name, StringComparison.Ordinal))
            {
                return code;
            }
        }

        throw Malformed($"unknown error code '{name}'; use a name such as 'internal' or 'timeout', or the numeric code");
    }

    private static string ReadString(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Malformed($"'{field}' must be a string, found {reader.TokenType}");
        }

        return reader.GetString()!;
    }

    private static byte[] ReadBase64(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Malformed($"'{field}' must be a base64 string, found {reader.TokenType}");
        }

        if (!reader.TryGetBytesFromBase64(out byte[]? bytes))
        {
            throw Malformed($"'{field}' is not valid standard base64");
        }

        return bytes;
    }

    private static bool ReadBool(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Malformed($"'ok' must be true or false, found {reader.TokenType}"),
    };

    private static ulong ReadUInt64(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out ulong value))
        {
            throw Malformed($"'{field}' must be a whole number from 0 to {ulong.MaxValue}");
        }

        return value;
    }

    private static byte ReadByte(ref Utf8JsonReader reader, string field)
    {
        if (!reader.TryGetByte(out byte value))
        {
            throw Malformed($"'{field}' must be a whole number from 0 to 255");
        }

        return value;
    }

    private static DkvException Malformed(string what) => new(DkvErrorCode.MalformedMessage, "json message: " + what);
}
