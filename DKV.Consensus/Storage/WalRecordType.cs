namespace DKV.Consensus.Storage;

/// <summary>The kinds of record in a write-ahead log segment (the byte after a record's checksum).</summary>
public enum WalRecordType : byte
{
    /// <summary>A group's hard state: group id, term, vote, commit (four u64).</summary>
    HardState = 1,

    /// <summary>A batch of consecutive log entries of one group; an entry at an existing index replaces the log from there on.</summary>
    Entries = 2,

    /// <summary>A group's snapshot: its index and term, the first entry index kept, and whether it replaced the whole log.</summary>
    SnapshotMarker = 3,
}
