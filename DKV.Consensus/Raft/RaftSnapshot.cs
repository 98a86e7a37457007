namespace DKV.Consensus.Raft;

/// <summary>A state-machine snapshot and where it sits in the log. Immutable once created.</summary>
/// <param name="Metadata">Index, term and voters of the snapshot.</param>
/// <param name="Data">The state machine's own image; opaque to the core. The caller must not change the bytes.</param>
public sealed record RaftSnapshot(SnapshotMetadata Metadata, ReadOnlyMemory<byte> Data);
