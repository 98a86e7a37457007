namespace DKV.Benchmarks.Serializers;

/// <summary>
/// Upstream dKV's serializer benchmark rows (rpc/serializer/benchmark_test.go): Empty, Small, Medium, Large and Very Large
/// (16 KiB) values, and a Complete Message with every field set. The small/medium/large sizes are ours (16 B, 256 B, 1 KiB).
/// </summary>
public enum SerializerBenchmarkCase
{
    Empty,
    SmallValue,
    MediumValue,
    LargeValue,
    VeryLargeValue,
    CompleteMessage,
}
