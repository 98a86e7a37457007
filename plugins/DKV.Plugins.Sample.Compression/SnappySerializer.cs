using System.Buffers;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using IronSnappy;

namespace DKV.Plugins.Sample.Compression;

/// <summary>
/// Wraps another serializer and Snappy-compresses large values. Each payload starts with one byte: 0 = the inner payload as is,
/// 1 = the inner payload with <see cref="Message.Value"/> compressed. Small values pass through without allocating.
/// </summary>
/// <remarks>Thread-safe when the inner serializer is.</remarks>
public sealed class SnappySerializer : IRpcSerializer
{
    public const string SerializerName = "binary-snappy";

    private const byte Plain = 0;
    private const byte Compressed = 1;

    /// <summary>Snappy cannot expand more than this per input byte; a header claiming more is malformed.</summary>
    private const long MaxExpansion = 64;

    private readonly IRpcSerializer _inner;
    private readonly int _threshold;
    private readonly int _maxDecodedBytes;

    /// <param name="inner">The serializer whose payload this wraps.</param>
    /// <param name="threshold">Values of this many bytes or more are compressed. Default 64 KiB.</param>
    /// <param name="maxDecodedBytes">Largest decompressed value accepted; checked before decompressing. Default 64 MiB.</param>
    public SnappySerializer(IRpcSerializer inner, int threshold = 64 * 1024, int maxDecodedBytes = 64 << 20)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDecodedBytes, 1);
        _inner = inner;
        _threshold = threshold;
        _maxDecodedBytes = maxDecodedBytes;
    }

    public string Name => SerializerName;

    public void Serialize(in Message message, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (message.Value is not { } value || value.Length < _threshold)
        {
            destination.GetSpan(1)[0] = Plain;
            destination.Advance(1);
            _inner.Serialize(message, destination);
            return;
        }

        destination.GetSpan(1)[0] = Compressed;
        destination.Advance(1);
        _inner.Serialize(message with { Value = Snappy.Encode(value.Span) }, destination);
    }

    public Message Deserialize(ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty)
        {
            throw Malformed("empty payload; expected a format byte (0 or 1)");
        }

        var message = _inner.Deserialize(source[1..]);
        switch (source[0])
        {
            case Plain:
                return message;
            case Compressed when message.Value is { } compressed:
                return message with { Value = Decode(compressed.Span) };
            case Compressed:
                throw Malformed("format byte says compressed, but the message has no value");
            default:
                throw Malformed($"unknown format byte {source[0]}; expected 0 (plain) or 1 (compressed)");
        }
    }

    private byte[] Decode(ReadOnlySpan<byte> compressed)
    {
        long claimed = DecodedLength(compressed);
        if (claimed > _maxDecodedBytes || claimed > compressed.Length * MaxExpansion)
        {
            throw Malformed($"compressed value claims {claimed} bytes; the limit is {_maxDecodedBytes} and at most {MaxExpansion}x its {compressed.Length} compressed bytes");
        }

        try
        {
            return Snappy.Decode(compressed);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Malformed($"corrupt Snappy data: {ex.Message}", ex);
        }
    }

    /// <summary>The uncompressed length from the Snappy block preamble (a little-endian base-128 varint of at most 5 bytes).</summary>
    private static long DecodedLength(ReadOnlySpan<byte> compressed)
    {
        long length = 0;
        for (int i = 0; i < 5 && i < compressed.Length; i++)
        {
            length |= (long)(compressed[i] & 0x7F) << (7 * i);
            if ((compressed[i] & 0x80) == 0)
            {
                return length;
            }
        }

        throw Malformed("truncated Snappy length preamble");
    }

    private static DkvException Malformed(string detail, Exception? inner = null) =>
        inner is null
            ? new DkvException(DkvErrorCode.MalformedMessage, $"{SerializerName}: {detail}")
            : new DkvException(DkvErrorCode.MalformedMessage, $"{SerializerName}: {detail}", inner);
}
