using DKV.Testing.Linearizability.Models;

namespace DKV.Simulation;

/// <summary>A client's request to a node.</summary>
/// <param name="Client">The client's network address.</param>
/// <param name="RequestId">Unique per attempt; a response names it.</param>
/// <param name="Input">The operation.</param>
/// <param name="Session">The client session of a write (0 = none): retries of one write share it and <paramref name="Sequence"/>.</param>
/// <param name="Sequence">The write's sequence number in the session (from 1).</param>
/// <param name="AcknowledgedBelow">Every write of the session below this sequence has ended (answered or given up).</param>
internal sealed record ClientRequest(int Client, long RequestId, KvInput Input, ulong Session = 0, ulong Sequence = 0, ulong AcknowledgedBelow = 0);
