namespace DKV.Consensus.Raft;

/// <summary>Where a snapshot sits in the log, and the group configuration at that point.</summary>
/// <param name="Index">The last log index the snapshot includes.</param>
/// <param name="Term">The term of the entry at <paramref name="Index"/>.</param>
/// <param name="Voters">
/// The voting members at <paramref name="Index"/> (room for membership change; today always the configured voters).
/// The caller must not change the array.
/// </param>
public readonly record struct SnapshotMetadata(ulong Index, ulong Term, ulong[] Voters);
