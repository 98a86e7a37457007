using System.Globalization;
using System.Text.Json.Nodes;
using DKV.Core.Messages;

namespace DKV.Serializers.Tests.MessagePack;

/// <summary>
/// The map a MessagePack decoder should see for a message, written from the documented layout (docs/serializers.md), not from
/// our encoder: ordered entries of [key, tagged value] as the interop script prints and reads them.
/// </summary>
internal static class MessagePackDescription
{
    public static JsonArray Of(in Message message)
    {
        var entries = new JsonArray { Entry("t", Int((byte)message.Type)) };
        if (message.Key is not null)
        {
            entries.Add(Entry("k", new JsonObject { ["str"] = message.Key }));
        }

        AddInt(entries, "e", (ulong)(message.ExpireIn.Ticks / TimeSpan.TicksPerMillisecond));
        AddInt(entries, "d", (ulong)(message.DeleteIn.Ticks / TimeSpan.TicksPerMillisecond));
        AddBin(entries, "v", message.Value);
        if (message.Ok)
        {
            entries.Add(Entry("o", new JsonObject { ["bool"] = true }));
        }

        AddInt(entries, "i", message.Index);
        AddInt(entries, "c", (byte)message.ErrorCode);
        if (message.Error is not null)
        {
            entries.Add(Entry("r", new JsonObject { ["str"] = message.Error }));
        }

        AddBin(entries, "m", message.Meta);
        return entries;
    }

    public static JsonArray Entry(string key, JsonNode tagged) => new(key, tagged);

    public static JsonObject Int(ulong value) => new() { ["int"] = value.ToString(CultureInfo.InvariantCulture) };

    private static void AddInt(JsonArray entries, string key, ulong value)
    {
        if (value != 0)
        {
            entries.Add(Entry(key, Int(value)));
        }
    }

    private static void AddBin(JsonArray entries, string key, ReadOnlyMemory<byte>? bytes)
    {
        if (bytes is { } b)
        {
            entries.Add(Entry(key, new JsonObject { ["bin"] = Convert.ToBase64String(b.Span) }));
        }
    }
}
