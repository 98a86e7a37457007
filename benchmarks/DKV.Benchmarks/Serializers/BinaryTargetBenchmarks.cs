using System.Buffers;
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
    private readonly ArrayBufferWriter<byte> _writer = new(64 * 1024);
    private readonly BinarySerializer _serializer = new();
    private Message _message;
    private byte[] _encoded = [];

    [GlobalSetup]
    public void Setup()
    {
        _message = SerializerBenchmarkMessages.For(SerializerBenchmarkCase.CompleteMessage);
        _serializer.Serialize(_message, _writer);
        _encoded = _writer.WrittenSpan.ToArray();
        _writer.ResetWrittenCount();
    }

    [Benchmark]
    public int Serialize()
    {
        _writer.ResetWrittenCount();
        _serializer.Serialize(_message, _writer);
        return _writer.WrittenCount;
    }

    [Benchmark]
    public Message Deserialize() => _serializer.Deserialize(_encoded);

    [Benchmark]
    public Message RoundTrip()
    {
        _writer.ResetWrittenCount();
        _serializer.Serialize(_message, _writer);
        return _serializer.Deserialize(_writer.WrittenSpan);
    }
}
