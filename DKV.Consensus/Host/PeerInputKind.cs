namespace DKV.Consensus.Host;

/// <summary>The kinds of <see cref="PeerInput"/>.</summary>
internal enum PeerInputKind : byte
{
    /// <summary>A Raft message to step.</summary>
    Message,

    /// <summary>A peer could not be reached: leaders stop streaming to it.</summary>
    Unreachable,

    /// <summary>A snapshot send finished or failed.</summary>
    SnapshotSent,
}
