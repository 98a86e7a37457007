using DKV.Testing.Linearizability.Models;

namespace DKV.Simulation;

/// <summary>
/// A node's answer. <see cref="Redirect"/> means definitely not applied (not leader, proposal overwritten): retry elsewhere,
/// preferably at <see cref="LeaderHint"/> (0 = unknown). Otherwise <see cref="Output"/> is the result, and for a write
/// <see cref="Index"/>/<see cref="Term"/> locate its log entry.
/// </summary>
internal sealed record ClientResponse(long RequestId, bool Redirect, int LeaderHint, KvOutput Output, ulong Index, ulong Term);
