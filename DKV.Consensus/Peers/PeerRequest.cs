namespace DKV.Consensus.Peers;

/// <summary>A request from one node to another, for one group.</summary>
/// <param name="GroupId">The group the request is for.</param>
/// <param name="Kind">What is asked.</param>
/// <param name="Payload">The request body (for <see cref="PeerRequestKind.Propose"/>: an encoded KV command). The receiver copies what it keeps.</param>
public readonly record struct PeerRequest(ulong GroupId, PeerRequestKind Kind, ReadOnlyMemory<byte> Payload);
