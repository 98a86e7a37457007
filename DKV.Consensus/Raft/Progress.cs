namespace DKV.Consensus.Raft;

/// <summary>The leader's view of one member's log (Raft paper nextIndex and matchIndex) and the flow control towards it.</summary>
internal sealed class Progress
{
    public Progress(ulong id, int maxInflight)
    {
        Id = id;
        Inflights = new Inflights(maxInflight);
    }

    public ulong Id { get; }

    /// <summary>The highest index known to be durable on the member.</summary>
    public ulong Match { get; set; }

    /// <summary>The next index to send.</summary>
    public ulong Next { get; set; }

    public ProgressState State { get; private set; }

    /// <summary>In probe state: an append is outstanding, so wait for its answer or a heartbeat answer before the next one.</summary>
    public bool ProbeSent { get; set; }

    /// <summary>In snapshot state: the index of the snapshot sent.</summary>
    public ulong PendingSnapshot { get; private set; }

    /// <summary>Heard from since the last check-quorum round.</summary>
    public bool RecentActive { get; set; }

    /// <summary>Ticks since replication towards this member last made progress while something was outstanding.</summary>
    public int StallTicks { get; set; }

    public Inflights Inflights { get; }

    /// <summary>The highest read round (heartbeat context) this member has answered in the current term.</summary>
    public ulong ReadAckSeq { get; set; }

    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => Inflights.IsFull,
        _ => true,
    };

    public void Reset(ulong next)
    {
        Match = 0;
        RecentActive = false;
        ReadAckSeq = 0;
        State = ProgressState.Probe;
        BecomeProbe();
        Next = next;
    }

    public void BecomeProbe()
    {
        // After a snapshot, the member holds at least the snapshot: probe from there.
        Next = State == ProgressState.Snapshot ? Math.Max(Match + 1, PendingSnapshot + 1) : Match + 1;
        State = ProgressState.Probe;
        ProbeSent = false;
        PendingSnapshot = 0;
        StallTicks = 0;
        Inflights.Reset();
    }

    public void BecomeReplicate()
    {
        State = ProgressState.Replicate;
        Next = Match + 1;
        ProbeSent = false;
        PendingSnapshot = 0;
        StallTicks = 0;
        Inflights.Reset();
    }

    public void BecomeSnapshot(ulong snapshotIndex)
    {
        State = ProgressState.Snapshot;
        PendingSnapshot = snapshotIndex;
        ProbeSent = false;
        StallTicks = 0;
        Inflights.Reset();
    }

    /// <summary>The snapshot could not be delivered: probe again from the match point after the next heartbeat answer.</summary>
    public void SnapshotFailed()
    {
        PendingSnapshot = 0;
        BecomeProbe();
        ProbeSent = true;
    }

    /// <summary>Records an append of entries (<paramref name="count"/> of them, ending at <paramref name="lastIndex"/>) as sent.</summary>
    public void SentEntries(int count, ulong lastIndex)
    {
        if (State == ProgressState.Replicate)
        {
            if (count > 0)
            {
                Next = lastIndex + 1;
                Inflights.Add(lastIndex);
            }
        }
        else if (State == ProgressState.Probe)
        {
            ProbeSent = true;
        }
    }

    /// <summary>An acknowledgement through <paramref name="index"/>; returns whether it moved the match point.</summary>
    public bool MaybeUpdate(ulong index)
    {
        bool updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            ProbeSent = false;
            StallTicks = 0;
        }

        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>
    /// A rejection of the append after <paramref name="rejected"/>, with the follower's hint; returns false for a stale rejection.
    /// </summary>
    public bool MaybeDecreaseTo(ulong rejected, ulong matchHint)
    {
        if (State == ProgressState.Replicate)
        {
            if (rejected <= Match)
            {
                return false;
            }

            Next = Match + 1;
            return true;
        }

        if (Next - 1 != rejected)
        {
            return false;
        }

        Next = Math.Max(Math.Min(rejected, matchHint + 1), Match + 1);
        ProbeSent = false;
        return true;
    }
}
