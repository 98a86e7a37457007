namespace DKV.Consensus.Raft;

/// <summary>
/// A batch of work the core hands to its caller (the node host or a test harness), obtained from <see cref="RaftNode.GetReady"/>
/// and acknowledged with <see cref="RaftNode.Advance"/>.
/// </summary>
/// <remarks>
/// <para>The caller must handle a batch in this order, and acknowledge it before asking for the next one:</para>
/// <list type="number">
/// <item><description>Persist <see cref="Snapshot"/> (if any), then <see cref="Entries"/> (an entry at an index already stored replaces
/// that entry and every entry after it), then <see cref="HardState"/> (if any), and make them durable (fsync) when <see cref="MustSync"/>.</description></item>
/// <item><description>Only then send <see cref="Messages"/>. A message may depend on this batch's hard state and entries (a vote, an
/// append acknowledgement); sending it before they are durable can break safety after a crash.</description></item>
/// <item><description>Restore the state machine from <see cref="Snapshot"/> (if any), then apply <see cref="CommittedEntries"/> in order.
/// Committed entries are always entries made durable by an earlier batch or this one.</description></item>
/// <item><description>Serve each read in <see cref="ReadStates"/> once the state machine has applied through its index.</description></item>
/// <item><description>Call <see cref="RaftNode.Advance"/> with this batch.</description></item>
/// </list>
/// <para>Every collection is owned by the batch and never changed after it is returned; entries and snapshots share their payload
/// memory with the core and must be treated as read-only.</para>
/// </remarks>
public sealed class Ready
{
    internal Ready(
        SoftState? softState,
        HardState? hardState,
        ReadOnlyMemory<LogEntry> entries,
        RaftSnapshot? snapshot,
        ReadOnlyMemory<LogEntry> committedEntries,
        IReadOnlyList<RaftMessage> messages,
        IReadOnlyList<ReadState> readStates,
        bool mustSync)
    {
        MustSync = mustSync;
        SoftState = softState;
        HardState = hardState;
        Entries = entries;
        Snapshot = snapshot;
        CommittedEntries = committedEntries;
        Messages = messages;
        ReadStates = readStates;
    }

    /// <summary>The role and leader when they changed since the previous batch; null otherwise. Never persisted.</summary>
    public SoftState? SoftState { get; }

    /// <summary>The term, vote and commit index to persist when they changed since the previous batch; null otherwise.</summary>
    public HardState? HardState { get; }

    /// <summary>Entries to append to stable storage, in index order, before any message is sent.</summary>
    public ReadOnlyMemory<LogEntry> Entries { get; }

    /// <summary>A snapshot received from the leader to persist (replacing the whole log up to its index) and restore; null when none.</summary>
    public RaftSnapshot? Snapshot { get; }

    /// <summary>Committed entries to apply to the state machine, in index order, after the persistence step.</summary>
    public ReadOnlyMemory<LogEntry> CommittedEntries { get; }

    /// <summary>Messages to send once the persistence step is durable.</summary>
    public IReadOnlyList<RaftMessage> Messages { get; }

    /// <summary>Confirmed read indexes, in the order requested; serve each once applied through its index.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; }

    /// <summary>True when the hard state's term or vote changed, or entries are to be appended: the write must be synced.</summary>
    public bool MustSync { get; }

    /// <summary>True when the batch carries nothing at all.</summary>
    public bool IsEmpty => SoftState is null && HardState is null && Entries.IsEmpty && Snapshot is null
        && CommittedEntries.IsEmpty && Messages.Count == 0 && ReadStates.Count == 0;
}
