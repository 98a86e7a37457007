namespace DKV.Consensus.Peers;

/// <summary>The kinds of frame on a peer connection. Values are on the wire: never renumber.</summary>
internal enum PeerFrameKind : byte
{
    /// <summary>One or more encoded <see cref="Raft.RaftMessage"/>s, back to back (sender to receiver).</summary>
    RaftBatch = 1,

    /// <summary>A piece of a snapshot transfer (sender to receiver); the first one carries the message header.</summary>
    SnapshotChunk = 2,

    /// <summary>A <see cref="PeerRequest"/> with its request id (sender to receiver).</summary>
    Request = 3,

    /// <summary>A <see cref="PeerReply"/> to a request id (receiver back to sender).</summary>
    Reply = 4,

    /// <summary>The outcome of a snapshot transfer (receiver back to sender).</summary>
    SnapshotAck = 5,
}
