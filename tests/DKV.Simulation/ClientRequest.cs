using DKV.Testing.Linearizability.Models;

namespace DKV.Simulation;

/// <summary>A client's request to a node.</summary>
/// <param name="Client">The client's network address.</param>
/// <param name="RequestId">Unique per attempt; a response names it.</param>
/// <param name="Input">The operation.</param>
internal sealed record ClientRequest(int Client, long RequestId, KvInput Input);
