namespace DKV.Core.Protocol;

/// <summary>What a client announces when it connects.</summary>
/// <param name="Version">The protocol version the client speaks.</param>
/// <param name="SerializerName">The serializer the client will use for payloads (1 to 64 printable ASCII bytes).</param>
public readonly record struct ClientHello(ushort Version, string SerializerName);
