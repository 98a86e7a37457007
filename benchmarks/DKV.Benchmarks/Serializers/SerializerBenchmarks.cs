using System.Buffers;
using BenchmarkDotNet.Attributes;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using DKV.Serializers.Binary;
using DKV.Serializers.Json;
using DKV.Serializers.MemoryPack;
using DKV.Serializers.MessagePack;

namespace DKV.Benchmarks.Serializers;

/// <summary>
/// Every serializer on upstream's rows: serialize into a reused (pooled) buffer, deserialize, and a full round trip, with
/// allocated bytes (memory diagnoser) and the encoded size (column "Encoded B").
/// Run: <c>dotnet run -c Release --project benchmarks/DKV.Benchmarks -- --filter '*SerializerBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SerializerBenchmarkConfig))]
public class SerializerBenchmarks
{
    private SerializerWorkload _workload = null!;

    [Params(BinarySerializer.SerializerName, MessagePackSerializer.SerializerName, MemoryPackSerializer.SerializerName, JsonTextSerializer.SerializerName)]
    public string Serializer { get; set; } = BinarySerializer.SerializerName;

    [ParamsAllValues]
    public SerializerBenchmarkCase Case { get; set; }

    /// <summary>The serializer registered under <paramref name="name"/>.</summary>
    public static IRpcSerializer Create(string name) => name switch
    {
        BinarySerializer.SerializerName => new BinarySerializer(),
        MessagePackSerializer.SerializerName => new MessagePackSerializer(),
        MemoryPackSerializer.SerializerName => new MemoryPackSerializer(),
        JsonTextSerializer.SerializerName => new JsonTextSerializer(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown serializer; use binary, msgpack, memorypack or json"),
    };

    /// <summary>The encoded length of <paramref name="benchmarkCase"/> with serializer <paramref name="name"/>.</summary>
    public static int EncodedSize(string name, SerializerBenchmarkCase benchmarkCase)
    {
        var writer = new ArrayBufferWriter<byte>();
        Create(name).Serialize(SerializerBenchmarkMessages.For(benchmarkCase), writer);
        return writer.WrittenCount;
    }

    [GlobalSetup]
    public void Setup() => _workload = new SerializerWorkload(Create(Serializer), SerializerBenchmarkMessages.For(Case));

    [Benchmark]
    public int Serialize() => _workload.Serialize();

    [Benchmark]
    public Message Deserialize() => _workload.Deserialize();

    [Benchmark]
    public Message RoundTrip() => _workload.RoundTrip();
}
