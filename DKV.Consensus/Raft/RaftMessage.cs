namespace DKV.Consensus.Raft;

/// <summary>
/// A message between the members of one Raft group. Immutable once the core has emitted it; the transport may send it to
/// <see cref="To"/> any number of times (the protocol tolerates loss, duplication and reordering).
/// </summary>
public sealed class RaftMessage
{
    /// <summary>The kind of message.</summary>
    public required RaftMessageType Type { get; init; }

    /// <summary>The Raft group this message belongs to; the node host routes by it.</summary>
    public required ulong GroupId { get; init; }

    /// <summary>The sending node.</summary>
    public required ulong From { get; init; }

    /// <summary>The receiving node.</summary>
    public required ulong To { get; init; }

    /// <summary>The sender's term (for a pre-vote, the term it would campaign in; for <see cref="RaftMessageType.ReadIndex"/>, 0).</summary>
    public ulong Term { get; init; }

    /// <summary>Append: term of the entry at <see cref="Index"/>. Vote: term of the last entry. Rejected append response: the conflict term hint.</summary>
    public ulong LogTerm { get; init; }

    /// <summary>
    /// Append: the index before the entries. Vote: the last index. Append response: the last index accepted, or the rejected index.
    /// Read index response: the confirmed read index.
    /// </summary>
    public ulong Index { get; init; }

    /// <summary>Append and heartbeat: the leader's commit index (for a heartbeat, capped at what the follower is known to hold).</summary>
    public ulong Commit { get; init; }

    /// <summary>True for a refused vote, pre-vote or append.</summary>
    public bool Reject { get; init; }

    /// <summary>Rejected append response: the follower's hint for the highest index that may match (fast back-off).</summary>
    public ulong RejectHint { get; init; }

    /// <summary>Heartbeat and its response: the leader's read round; read index request and response: the caller's context.</summary>
    public ulong Context { get; init; }

    /// <summary>Vote: true when the election follows a leader transfer, so voters must not ignore it for leader stickiness.</summary>
    public bool Transfer { get; init; }

    /// <summary>Append: the entries, in index order starting at <see cref="Index"/> + 1. Never changed after emission.</summary>
    public ReadOnlyMemory<LogEntry> Entries { get; init; }

    /// <summary>Install snapshot: the snapshot (sent whole; chunking is the transport's job).</summary>
    public RaftSnapshot? Snapshot { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Type} g{GroupId} {From}->{To} t{Term} lt{LogTerm} i{Index} c{Commit}{(Reject ? " reject hint " + RejectHint : string.Empty)} n{Entries.Length} ctx{Context}";
}
