using DKV.Consensus.Raft;

namespace DKV.Consensus.Storage;

/// <summary>
/// The core's read-only view of a node's persisted Raft state: the durable log after the latest snapshot, the snapshot, and the
/// hard state. The owner (node host or test) writes it from each <see cref="Ready"/> before calling <see cref="RaftNode.Advance"/>.
/// </summary>
/// <remarks>
/// The core calls these members only from its own calls (single-threaded with respect to the owning node). Memory handed out by
/// <see cref="Entries"/> must stay unchanged while the caller holds it: a later write or compaction must use new memory rather than
/// overwrite entries already handed out.
/// </remarks>
public interface IRaftLogReader
{
    /// <summary>The persisted hard state (default when none was ever written).</summary>
    HardState HardState { get; }

    /// <summary>
    /// The index of the first entry still in the log (1 when nothing was ever compacted). After compaction that keeps a tail,
    /// it may be below the snapshot's index + 1; after installing a leader's snapshot it is the snapshot's index + 1.
    /// </summary>
    ulong FirstIndex { get; }

    /// <summary>The index of the last persisted entry; the snapshot's index when the log after it is empty.</summary>
    ulong LastIndex { get; }

    /// <summary>
    /// The term of the entry at <paramref name="index"/>. Answers for indexes in [FirstIndex - 1, LastIndex] (the term of FirstIndex - 1
    /// is kept on compaction; index 0 has term 0); returns false for a compacted or not-yet-written index.
    /// </summary>
    bool TryGetTerm(ulong index, out ulong term);

    /// <summary>
    /// Entries in [<paramref name="low"/>, <paramref name="high"/>), cut off after <paramref name="maxBytes"/> but never empty when
    /// the range is not. Requires FirstIndex ≤ low ≤ high ≤ LastIndex + 1; throws <see cref="ArgumentOutOfRangeException"/> otherwise.
    /// </summary>
    ReadOnlyMemory<LogEntry> Entries(ulong low, ulong high, long maxBytes);

    /// <summary>The latest persisted snapshot, or null when there is none.</summary>
    RaftSnapshot? Snapshot { get; }
}
