namespace DKV.Consensus.Raft;

/// <summary>What a log entry carries.</summary>
public enum EntryType : byte
{
    /// <summary>Application data (a state-machine command), or empty data for the no-op a new leader appends.</summary>
    Normal = 0,

    /// <summary>Reserved for membership change (a later issue). The core never creates one and rejects proposals of this type today.</summary>
    ConfigChange = 1,
}
