using System.Buffers;
using DKV.Core.Messages;
using DKV.Core.Serialization;

namespace DKV.Benchmarks.Serializers;

/// <summary>
/// The three measured operations on one serializer and one message: serialize into a reused buffer, deserialize the encoded
/// bytes, and both. Shared by <see cref="SerializerBenchmarks"/> (every serializer and case) and <see cref="BinaryTargetBenchmarks"/>.
/// </summary>
public sealed class SerializerWorkload
{
    private readonly ArrayBufferWriter<byte> _writer = new(64 * 1024);
    private readonly IRpcSerializer _serializer;
    private readonly Message _message;
    private readonly byte[] _encoded;

    /// <exception cref="InvalidOperationException">The serializer does not round-trip the message.</exception>
    public SerializerWorkload(IRpcSerializer serializer, Message message)
    {
        _serializer = serializer;
        _message = message;
        _serializer.Serialize(_message, _writer);
        _encoded = _writer.WrittenSpan.ToArray();
        _writer.ResetWrittenCount();
        if (!_serializer.Deserialize(_encoded).ContentEquals(_message))
        {
            throw new InvalidOperationException($"{serializer.Name} does not round-trip the benchmark message");
        }
    }

    public int Serialize()
    {
        _writer.ResetWrittenCount();
        _serializer.Serialize(_message, _writer);
        return _writer.WrittenCount;
    }

    public Message Deserialize() => _serializer.Deserialize(_encoded);

    public Message RoundTrip()
    {
        _writer.ResetWrittenCount();
        _serializer.Serialize(_message, _writer);
        return _serializer.Deserialize(_writer.WrittenSpan);
    }
}
