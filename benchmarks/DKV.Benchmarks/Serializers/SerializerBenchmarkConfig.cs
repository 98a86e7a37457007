using BenchmarkDotNet.Configs;

namespace DKV.Benchmarks.Serializers;

/// <summary>Adds the encoded-size column to the serializer benchmarks.</summary>
public sealed class SerializerBenchmarkConfig : ManualConfig
{
    public SerializerBenchmarkConfig()
    {
        AddColumn(new EncodedSizeColumn());
    }
}
