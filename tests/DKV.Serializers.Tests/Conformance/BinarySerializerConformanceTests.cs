using DKV.Core.Serialization;
using DKV.Serializers.Binary;
using DKV.Testing.Serializers;

namespace DKV.Serializers.Tests.Conformance;

[TestFixture]
public sealed class BinarySerializerConformanceTests : SerializerConformanceTests
{
    protected override IRpcSerializer CreateSerializer() => new BinarySerializer();

    protected override IEnumerable<byte[]> LyingLengthInputs() =>
    [
        Convert.FromHexString("0301FFFFFF7F61"), // key length 2 GiB, one byte follows
        Convert.FromHexString("030800000040010203"), // value length 1 GiB, three bytes follow
        Convert.FromHexString("0320070000004061"), // error text length 1 GiB
        Convert.FromHexString("0340FFFFFFFF"), // meta length 4 GiB
    ];
}
