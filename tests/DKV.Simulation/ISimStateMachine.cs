using DKV.Consensus.Raft;
using DKV.Core.Stores;

namespace DKV.Simulation;

/// <summary>
/// The replicated state of one simulated node, as the node loop uses it: the simulator's own model machine
/// (<see cref="KvStateMachine"/>) or the product's (<see cref="ProductionStateMachine"/>). Single-threaded, deterministic.
/// </summary>
internal interface ISimStateMachine : IDisposable
{
    ulong AppliedIndex { get; }

    /// <summary>The log payload for a client write, stamped with the leader's (simulated) clock.</summary>
    byte[] Encode(ClientRequest request, long leaderTimestampUtcTicks);

    /// <summary>
    /// What identifies the write an entry carries, for the durability check: equal for every copy of one client write (a retried
    /// write with the same session and sequence counts as the same write).
    /// </summary>
    ulong Identity(ReadOnlySpan<byte> data);

    /// <summary>Applies the next committed entry (an empty one is a no-op); Index 0 in the result means "outcome no longer known".</summary>
    WriteResult Apply(in LogEntry entry);

    string? Get(string key, long nowUtcTicks);

    byte[] Save();

    void Load(ReadOnlyMemory<byte> snapshot, ulong index);

    /// <summary>A hash of the values of <paramref name="keys"/> (and anything else replicated), equal on replicas that applied the same entries.</summary>
    ulong ContentHash(IEnumerable<string> keys);
}
