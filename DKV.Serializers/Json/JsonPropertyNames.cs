using System.Text.Json;

namespace DKV.Serializers.Json;

/// <summary>Property names of the <c>json</c> format (upstream dKV's names for upstream's fields), encoded once.</summary>
internal static class JsonPropertyNames
{
    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("msg_type");
    public static readonly JsonEncodedText Key = JsonEncodedText.Encode("key");
    public static readonly JsonEncodedText ExpireIn = JsonEncodedText.Encode("expireIn");
    public static readonly JsonEncodedText DeleteIn = JsonEncodedText.Encode("deleteIn");
    public static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
    public static readonly JsonEncodedText Ok = JsonEncodedText.Encode("ok");
    public static readonly JsonEncodedText Index = JsonEncodedText.Encode("index");
    public static readonly JsonEncodedText ErrorCode = JsonEncodedText.Encode("errorCode");
    public static readonly JsonEncodedText Error = JsonEncodedText.Encode("err");
    public static readonly JsonEncodedText Meta = JsonEncodedText.Encode("meta");
}
