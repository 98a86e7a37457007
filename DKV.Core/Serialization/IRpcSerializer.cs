using System.Buffers;
using DKV.Core.Messages;

namespace DKV.Core.Serialization;

/// <summary>
/// Turns a <see cref="Message"/> into bytes and back. Plugins register one as a keyed service under its name
/// (<c>binary</c>, <c>msgpack</c>, <c>memorypack</c>, <c>json</c>); client and server agree on it in the handshake.
/// Implementations are stateless and thread-safe.
/// </summary>
public interface IRpcSerializer
{
    /// <summary>The name it is registered and negotiated under.</summary>
    string Name { get; }

    /// <summary>Writes <paramref name="message"/> to <paramref name="destination"/>. Must not allocate beyond what the writer hands out.</summary>
    void Serialize(in Message message, IBufferWriter<byte> destination);

    /// <summary>
    /// Reads one message that fills <paramref name="source"/> exactly. Byte fields of the result may refer to fresh arrays
    /// (never to <paramref name="source"/>, which the caller recycles). Malformed or truncated input throws
    /// <see cref="Errors.DkvException"/> with <see cref="Errors.DkvErrorCode.MalformedMessage"/>, never hangs, and never allocates
    /// more than the input could describe.
    /// </summary>
    Message Deserialize(ReadOnlySpan<byte> source);
}
