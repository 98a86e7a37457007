using System.Text.Json.Nodes;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Serializers.MessagePack;
using DKV.Testing.Serializers;

namespace DKV.Serializers.Tests.MessagePack;

/// <summary>
/// Interoperability with the reference JavaScript implementation <c>@msgpack/msgpack</c> in both directions
/// (needs Node.js and <c>npm ci</c> in tests/DKV.Serializers.Tests/interop).
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class MessagePackInteropTests
{
    private readonly MessagePackSerializer _serializer = new();

    private static IEnumerable<(string Name, Message Message)> Samples()
    {
        foreach ((string name, Message message) in MessageSamples.FieldCombinations())
        {
            yield return (name, message);
        }

        foreach (MessageType type in MessageSamples.AllTypes())
        {
            yield return ($"Type{type}", new Message { Type = type, Key = "k", Ok = true });
        }

        foreach (DkvErrorCode code in MessageSamples.AllErrorCodes())
        {
            yield return ($"Code{code}", new Message { Type = MessageType.Set, ErrorCode = code, Error = code.ToString() });
        }

        foreach (int size in new[] { 255, 256, 65535, 65536, 100_000 })
        {
            yield return ($"Value{size}", new Message { Type = MessageType.Set, Key = "v", Value = MessageSamples.Pattern(size) });
        }

        foreach (ulong n in new ulong[] { 127, 128, 255, 256, 65535, 65536, uint.MaxValue, (ulong)uint.MaxValue + 1, 1UL << 53, ulong.MaxValue })
        {
            yield return ($"Index{n}", new Message { Type = MessageType.Set, Index = n });
        }
    }

    [Test]
    public async Task OurEncoding_DecodedByReference_IsTheDocumentedMap()
    {
        (string Name, Message Message)[] samples = Samples().ToArray();
        var hex = new JsonArray(samples.Select(s => (JsonNode)Convert.ToHexString(Encode(s.Message))).ToArray());
        JsonArray decoded = await NodeInterop.RunAsync("decode", hex);
        Assert.That(decoded, Has.Count.EqualTo(samples.Length));
        Assert.Multiple(() =>
        {
            for (int i = 0; i < samples.Length; i++)
            {
                JsonArray expected = MessagePackDescription.Of(samples[i].Message);
                JsonNode? actual = decoded[i]!["entries"];
                Assert.That(
                    JsonNode.DeepEquals(actual, expected),
                    Is.True,
                    $"{samples[i].Name}: @msgpack/msgpack decoded {Shorten(decoded[i]!.ToJsonString())}, expected {Shorten(expected.ToJsonString())}");
            }
        });
    }

    [Test]
    public async Task ReferenceEncoding_DecodedHere_IsTheMessageAndMatchesOurBytes()
    {
        (string Name, Message Message)[] samples = Samples().ToArray();
        var descriptions = new JsonArray(samples.Select(s => (JsonNode)MessagePackDescription.Of(s.Message)).ToArray());
        JsonArray encoded = await NodeInterop.RunAsync("encode", descriptions);
        Assert.That(encoded, Has.Count.EqualTo(samples.Length));
        Assert.Multiple(() =>
        {
            for (int i = 0; i < samples.Length; i++)
            {
                byte[] theirs = Convert.FromHexString(encoded[i]!.GetValue<string>());
                Message decoded = _serializer.Deserialize(theirs);
                Assert.That(decoded.ContentEquals(samples[i].Message), Is.True, $"{samples[i].Name}: decoded {MessageSamples.Describe(decoded)}");

                // The reference encoder picks the smallest encodings too, so equal bytes show ours are the smallest.
                Assert.That(Convert.ToHexString(Encode(samples[i].Message)), Is.EqualTo(Convert.ToHexString(theirs)), $"{samples[i].Name}: bytes differ");
            }
        });
    }

    [Test]
    public async Task ReferenceEncoding_OfUnusualButValidForms_DecodedHere()
    {
        (string Name, JsonArray Entries, Message Expected)[] cases =
        [
            ("reverse order, unknown nested keys, nil value",
                Entries(
                    ("zz", Tagged("map", Entries(("deep", Tagged("array", new JsonArray(MessagePackDescription.Int(1), Tagged("float", 1.5), Tagged("str", "x"), Tagged("nil", true))))))),
                    ("m", Tagged("bin", "AQI=")),
                    ("v", Tagged("nil", true)),
                    ("k", Tagged("str", "ключ")),
                    ("type", Tagged("str", "ignored")),
                    ("", Tagged("bool", true)),
                    ("t", MessagePackDescription.Int(12))),
                new Message { Type = MessageType.Custom, Key = "ключ", Meta = new byte[] { 1, 2 } }),
            ("integers forced to 64 bits",
                Entries(
                    ("t", Tagged("uint64", "8")),
                    ("e", Tagged("uint64", "1500")),
                    ("d", Tagged("uint64", "0")),
                    ("c", Tagged("uint64", "6")),
                    ("i", Tagged("uint64", "1"))),
                new Message { Type = MessageType.Get, ExpireIn = TimeSpan.FromMilliseconds(1500), ErrorCode = DkvErrorCode.Timeout, Index = 1 }),
            ("whole-number floats for integer fields (what the reference writes for a Number above 2^32 with useBigInt64)",
                Entries(
                    ("t", MessagePackDescription.Int(4)),
                    ("e", Tagged("float", 5_000_000_000d)),
                    ("i", Tagged("float", 9_007_199_254_740_992d))),
                new Message { Type = MessageType.SetE, ExpireIn = TimeSpan.FromMilliseconds(5_000_000_000), Index = 9_007_199_254_740_992 }),
            ("negative integers and floats under unknown keys",
                Entries(
                    ("n1", new JsonObject { ["int"] = "-5" }),
                    ("n2", new JsonObject { ["int"] = "-200" }),
                    ("n3", new JsonObject { ["int"] = "-9007199254740993" }),
                    ("f", Tagged("float", 0.1)),
                    ("t", MessagePackDescription.Int(9)),
                    ("o", Tagged("bool", false))),
                new Message { Type = MessageType.Has }),
        ];

        var descriptions = new JsonArray(cases.Select(c => (JsonNode)c.Entries).ToArray());
        JsonArray encoded = await NodeInterop.RunAsync("encode", descriptions);
        Assert.Multiple(() =>
        {
            for (int i = 0; i < cases.Length; i++)
            {
                Message decoded = _serializer.Deserialize(Convert.FromHexString(encoded[i]!.GetValue<string>()));
                Assert.That(decoded.ContentEquals(cases[i].Expected), Is.True, $"{cases[i].Name}: decoded {MessageSamples.Describe(decoded)} from {encoded[i]}");
            }
        });
    }

    private static JsonArray Entries(params (string Key, JsonNode Tagged)[] entries) =>
        new(entries.Select(e => (JsonNode)MessagePackDescription.Entry(e.Key, e.Tagged)).ToArray());

    private static JsonObject Tagged(string tag, JsonNode? value) => new() { [tag] = value };

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    private byte[] Encode(in Message message)
    {
        var writer = new ReusableBufferWriter();
        _serializer.Serialize(message, writer);
        return writer.ToArray();
    }
}
