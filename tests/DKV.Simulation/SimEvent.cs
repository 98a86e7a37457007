namespace DKV.Simulation;

/// <summary>A scheduled event. <see cref="Token"/> guards against stale events (a node incarnation, a client request id).</summary>
internal readonly record struct SimEvent(SimEventKind Kind, int Target, long Token, int From, object? Payload);
