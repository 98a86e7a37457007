using System.Text;
using DKV.Core.Serialization;
using DKV.Serializers.Json;
using DKV.Testing.Serializers;

namespace DKV.Serializers.Tests.Conformance;

[TestFixture]
public sealed class JsonTextSerializerConformanceTests : SerializerConformanceTests
{
    protected override IRpcSerializer CreateSerializer() => new JsonTextSerializer();

    // JSON has no length fields; the closest lies are unterminated strings and deep nesting that claim more than is there.
    protected override IEnumerable<byte[]> LyingLengthInputs() =>
    [
        Encoding.UTF8.GetBytes("{\"value\":\"" + new string('A', 400)),
        Encoding.UTF8.GetBytes("{\"key\":\"" + new string('k', 400)),
        Encoding.UTF8.GetBytes("{\"x\":" + new string('[', 5000)),
    ];
}
