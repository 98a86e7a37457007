using BenchmarkDotNet.Attributes;
using DKV.Core.Messages;
using DKV.Serializers.Binary;

namespace DKV.Benchmarks.Serializers;

/// <summary>
/// Issue 6's target row alone: the binary serializer on the complete message (every field set), so the target can be checked in
/// a minute instead of running the whole serializer matrix. Same operations as <see cref="SerializerBenchmarks"/>.
/// Run: <c>dotnet run -c Release --project benchmarks/DKV.Benchmarks -- --filter '*BinaryTargetBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class BinaryTargetBenchmarks
{
    private SerializerWorkload _workload = null!;

    [GlobalSetup]
    public void Setup() =>
        _workload = new SerializerWorkload(new BinarySerializer(), SerializerBenchmarkMessages.For(SerializerBenchmarkCase.CompleteMessage));

    [Benchmark]
    public int Serialize() => _workload.Serialize();

    [Benchmark]
    public Message Deserialize() => _workload.Deserialize();

    [Benchmark]
    public Message RoundTrip() => _workload.RoundTrip();
}
