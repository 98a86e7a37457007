using DKV.Core.Serialization;
using DKV.Serializers.MemoryPack;
using DKV.Testing.Serializers;

namespace DKV.Serializers.Tests.Conformance;

[TestFixture]
public sealed class MemoryPackSerializerConformanceTests : SerializerConformanceTests
{
    protected override IRpcSerializer CreateSerializer() => new MemoryPackSerializer();

    protected override IEnumerable<byte[]> LyingLengthInputs() =>
    [
        Convert.FromHexString("0A03FFFFFF3F6100"), // key in UTF-16 form claiming 0x3fffffff chars
        Convert.FromHexString("0A03FFFFFFBFFFFFFFFF61"), // key in UTF-8 form claiming 0x40000000 bytes, utf16 length unknown
        Convert.FromHexString("0A03FFFFFFFF" + "00000000000000000000000000000000" + "00000040AABB"), // value claiming 1 GiB
    ];
}
