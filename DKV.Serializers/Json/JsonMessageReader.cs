using System.Text.Json;
using DKV.Core.Errors;
using DKV.Core.Messages;

namespace DKV.Serializers.Json;

/// <summary>Reads the message object of the <c>json</c> format, property by property in any order.</summary>
internal static class JsonMessageReader
{
    private static readonly string[] s_propertyNames = ["msg_type", "key", "expireIn", "deleteIn", "value", "ok", "index", "errorCode", "err", "meta"];

    /// <summary>True for codes that have a name (the defined ones); others are written as numbers.</summary>
    public static bool IsNamedErrorCode(DkvErrorCode code) => code <= DkvErrorCode.MalformedMessage;

    public static Message Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Malformed($"expected a JSON object, found {(reader.TokenType == JsonTokenType.None ? "nothing" : reader.TokenType.ToString())}");
        }

        int seen = 0;
        var message = default(Message);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int field = FieldOf(ref reader);
            reader.Read();
            if (field < 0)
            {
                reader.Skip();
                continue;
            }

            if ((seen & (1 << field)) != 0)
            {
                throw Malformed($"property '{s_propertyNames[field]}' appears twice");
            }

            seen |= 1 << field;
            if (reader.TokenType != JsonTokenType.Null)
            {
                message = ReadField(ref reader, field, message);
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

        return message;
    }

    private static int FieldOf(ref Utf8JsonReader reader)
    {
        for (int i = 0; i < s_propertyNames.Length; i++)
        {
            if (reader.ValueTextEquals(s_propertyNames[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static Message ReadField(ref Utf8JsonReader reader, int field, Message message) => field switch
    {
        0 => message with { Type = ReadType(ref reader) },
        1 => message with { Key = ReadString(ref reader, "key") },
        2 => message with { ExpireIn = DurationCodec.FromWire(ReadUInt64(ref reader, "expireIn")) },
        3 => message with { DeleteIn = DurationCodec.FromWire(ReadUInt64(ref reader, "deleteIn")) },
        4 => message with { Value = ReadBase64(ref reader, "value") },
        5 => message with { Ok = ReadBool(ref reader) },
        6 => message with { Index = ReadUInt64(ref reader, "index") },
        7 => message with { ErrorCode = ReadErrorCode(ref reader) },
        8 => message with { Error = ReadString(ref reader, "err") },
        _ => message with { Meta = ReadBase64(ref reader, "meta") },
    };

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
