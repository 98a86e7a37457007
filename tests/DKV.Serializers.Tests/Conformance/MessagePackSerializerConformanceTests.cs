using DKV.Core.Serialization;
using DKV.Serializers.MessagePack;
using DKV.Testing.Serializers;

namespace DKV.Serializers.Tests.Conformance;

[TestFixture]
public sealed class MessagePackSerializerConformanceTests : SerializerConformanceTests
{
    protected override IRpcSerializer CreateSerializer() => new MessagePackSerializer();

    protected override IEnumerable<byte[]> LyingLengthInputs() =>
    [
        Convert.FromHexString("81A176C6400000000102"), // {v: bin32 of 1 GiB} with two bytes
        Convert.FromHexString("81A16BDB7FFFFFFF61"), // {k: str32 of 2 GiB} with one byte
        Convert.FromHexString("DFFFFFFFFFA17400"), // map32 claiming 4 billion entries
        Convert.FromHexString("81A27A7ADDFFFFFFFF00"), // unknown key holding array32 of 4 billion items
        Convert.FromHexString("81A27A7AC9400000000100"), // unknown key holding ext32 of 1 GiB
        Convert.FromHexString("81A27A7ADFFFFFFFFF0000"), // unknown key holding map32 of 4 billion entries
    ];
}
