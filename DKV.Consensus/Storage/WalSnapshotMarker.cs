namespace DKV.Consensus.Storage;

/// <summary>Where a group's log was compacted behind a snapshot, as recorded in the write-ahead log.</summary>
/// <param name="Index">The last log index the snapshot includes.</param>
/// <param name="Term">The term of the entry at <paramref name="Index"/>.</param>
/// <param name="FirstKeptIndex">Entries below this index are dropped on replay (at most <paramref name="Index"/> + 1).</param>
/// <param name="ReplacesLog">True for a snapshot installed from the leader: every entry logged before the marker is dropped.</param>
public readonly record struct WalSnapshotMarker(ulong Index, ulong Term, ulong FirstKeptIndex, bool ReplacesLog);
