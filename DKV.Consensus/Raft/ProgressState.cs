namespace DKV.Consensus.Raft;

/// <summary>How the leader replicates to one follower.</summary>
internal enum ProgressState : byte
{
    /// <summary>The match point is unknown: send one append at a time and wait for the answer.</summary>
    Probe = 0,

    /// <summary>The follower is in sync: stream appends, up to <see cref="RaftConfig.MaxInflightMessages"/> unacknowledged.</summary>
    Replicate = 1,

    /// <summary>The follower needs entries that were compacted: a snapshot is on its way; appends pause.</summary>
    Snapshot = 2,
}
