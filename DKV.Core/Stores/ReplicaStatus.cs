namespace DKV.Core.Stores;

/// <summary>One replica's local view of its replicated group, as <c>dkv cluster status</c> prints it.</summary>
/// <param name="GroupId">The group (shard) id.</param>
/// <param name="Replica">This replica's name.</param>
/// <param name="Role">leader, follower, candidate or pre-candidate.</param>
/// <param name="Term">The current term.</param>
/// <param name="Leader">The leader's name as this replica knows it; null when it knows none.</param>
/// <param name="CommitIndex">The highest index known committed.</param>
/// <param name="AppliedIndex">The highest index applied to the engine.</param>
/// <param name="FirstIndex">The first index still in the log (after compaction).</param>
/// <param name="LastIndex">The last index in the log.</param>
/// <param name="LogBytes">Bytes of log entries held for this group (memory and disk).</param>
public sealed record ReplicaStatus(
    ulong GroupId,
    string Replica,
    string Role,
    ulong Term,
    string? Leader,
    ulong CommitIndex,
    ulong AppliedIndex,
    ulong FirstIndex,
    ulong LastIndex,
    long LogBytes);
