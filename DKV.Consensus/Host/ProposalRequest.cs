namespace DKV.Consensus.Host;

/// <summary>
/// One proposal travelling through the node host's input queue: the encoded command and the completion the caller awaits.
/// Created by <see cref="DStore"/> (local) or by a peer's forwarded request; completed exactly once by the event loop, a
/// forwarding call or shutdown.
/// </summary>
internal sealed class ProposalRequest
{
    // Continuations run inline where it completes: the event loop never completes it directly (see CompletionBatch).
    private readonly TaskCompletionSource<ProposalOutcome> _done = new();

    public ProposalRequest(ulong groupId, byte[] command, bool forwarded, long deadlineTimestamp)
    {
        GroupId = groupId;
        Command = command;
        Forwarded = forwarded;
        DeadlineTimestamp = deadlineTimestamp;
    }

    /// <summary>The group to propose on.</summary>
    public ulong GroupId { get; }

    /// <summary>The encoded KV command; the leader stamps its timestamp into these bytes just before proposing.</summary>
    public byte[] Command { get; }

    /// <summary>True when a follower forwarded it here: a non-leader answers NotLeader instead of forwarding again.</summary>
    public bool Forwarded { get; }

    /// <summary>When it was queued (<see cref="TimeProvider.GetTimestamp"/>), set by the node host; bounds how long the loop holds it for a larger batch.</summary>
    public long QueuedTimestamp { get; set; }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> after which nobody waits for the outcome any more.</summary>
    public long DeadlineTimestamp { get; }

    /// <summary>The term the entry was proposed in (set when the core accepted it).</summary>
    public ulong Term { get; set; }

    /// <summary>True once the core accepted it into the log: from then on a failure is ambiguous (the entry may commit).</summary>
    public bool Proposed { get; set; }

    public Task<ProposalOutcome> Completion => _done.Task;

    /// <summary>
    /// Completes the request, running the caller's continuation on this thread; later calls are ignored (a forwarding reply may
    /// race with shutdown). Never called on the event loop's thread, which goes through <see cref="CompletionBatch"/>.
    /// </summary>
    public void Complete(in ProposalOutcome outcome) => _done.TrySetResult(outcome);
}
