namespace DKV.Consensus.Raft;

/// <summary>One entry of the replicated log.</summary>
/// <param name="Index">The log position, starting at 1.</param>
/// <param name="Term">The leader term in which the entry was created.</param>
/// <param name="Type">What the entry carries.</param>
/// <param name="Data">
/// The payload; empty for a leader's no-op. The core never changes the bytes and keeps a reference to them until the entry
/// is persisted and replicated, so the proposer must not change them after <see cref="RaftNode.Propose"/>.
/// </param>
public readonly record struct LogEntry(ulong Index, ulong Term, EntryType Type, ReadOnlyMemory<byte> Data)
{
    /// <summary>Bytes counted for an entry besides its payload (index, term, type and framing), used by every byte limit.</summary>
    public const int OverheadBytes = 24;

    /// <summary>The size this entry counts for against <see cref="RaftConfig.MaxAppendBytes"/> and the other byte limits.</summary>
    public long SizeBytes => OverheadBytes + Data.Length;
}
