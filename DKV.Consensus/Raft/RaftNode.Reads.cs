namespace DKV.Consensus.Raft;

/// <summary>ReadIndex (thesis section 6.4) and leader transfer (thesis section 3.10).</summary>
public sealed partial class RaftNode
{
    private readonly Queue<PendingRead> _readsConfirming = new();
    private readonly Queue<PendingRead> _readsAwaitingCommit = new();
    private ulong _readRound;
    private bool _readBroadcastPending;

    private ulong CurrentReadRound => _readsConfirming.Count > 0 ? _readRound : 0;

    private bool CommittedInCurrentTerm => _log.Term(_log.Committed) == Term;

    /// <summary>
    /// Asks for a linearizable read point. On the leader, the commit index is recorded and confirmed by a heartbeat round to a
    /// quorum (after the leader has committed an entry of its own term); a follower forwards the request to its leader. The answer
    /// arrives as a <see cref="ReadState"/> with the same <paramref name="context"/> in a later <see cref="Ready"/>; serve the read
    /// once the state machine has applied through its index.
    /// </summary>
    /// <param name="context">
    /// The caller's request id. It must be unique among this node's requests for the node's lifetime, including across restarts
    /// (mix in a boot nonce), so an answer to an old request can never satisfy a new one.
    /// </param>
    /// <returns>
    /// Accepted, or why not. An accepted request may still never be answered (leadership lost, messages dropped): the caller
    /// must time it out.
    /// </returns>
    public ProposalStatus ReadIndex(ulong context)
    {
        if (Role == RaftRole.Leader)
        {
            return HandleReadRequest(context, Id);
        }

        if (LeaderId == 0)
        {
            return ProposalStatus.NoLeader;
        }

        Send(RaftMessageType.ReadIndex, LeaderId, 0, context: context);
        return ProposalStatus.Accepted;
    }

    /// <summary>
    /// Hands leadership to <paramref name="to"/>: the leader stops taking proposals, brings the target up to date, then tells it to
    /// campaign at once. Abandoned if not done within an election timeout.
    /// </summary>
    public ProposalStatus TransferLeader(ulong to)
    {
        if (Role != RaftRole.Leader)
        {
            return LeaderId == 0 ? ProposalStatus.NoLeader : ProposalStatus.NotLeader;
        }

        if (to == Id || !_progress.TryGetValue(to, out Progress? pr))
        {
            return ProposalStatus.Rejected;
        }

        if (_leadTransferee == to)
        {
            return ProposalStatus.Accepted;
        }

        _leadTransferee = to;
        _electionElapsed = 0;
        if (pr.Match == _log.LastIndex)
        {
            Send(RaftMessageType.TimeoutNow, to, Term);
        }
        else
        {
            SendAppend(pr, sendIfEmpty: true);
        }

        return ProposalStatus.Accepted;
    }

    private ProposalStatus HandleReadRequest(ulong context, ulong from)
    {
        if ((Bugs & PlantedBugs.ReadWithoutLeadershipCheck) != 0)
        {
            ReleaseRead(new PendingRead(0, _log.Committed, context, from));
            return ProposalStatus.Accepted;
        }

        if (!CommittedInCurrentTerm)
        {
            // Our commit index may lag the true one until our own no-op commits (thesis 6.4 step 1).
            if (_readsAwaitingCommit.Count >= _config.MaxPendingReads)
            {
                return ProposalStatus.Overloaded;
            }

            _readsAwaitingCommit.Enqueue(new PendingRead(0, 0, context, from));
            return ProposalStatus.Accepted;
        }

        if (_peers.Length == 0)
        {
            ReleaseRead(new PendingRead(0, _log.Committed, context, from));
            return ProposalStatus.Accepted;
        }

        if (_readsConfirming.Count >= _config.MaxPendingReads)
        {
            return ProposalStatus.Overloaded;
        }

        // Reads that arrive before the next ready batch share one heartbeat round (the batch's round confirms all of them).
        _readRound++;
        _readsConfirming.Enqueue(new PendingRead(_readRound, _log.Committed, context, from));
        _readBroadcastPending = true;
        return ProposalStatus.Accepted;
    }

    /// <summary>A follower answered read round <paramref name="round"/>: every read of that round or earlier a quorum answered is confirmed.</summary>
    private void HandleReadAck(ulong round, Progress pr)
    {
        pr.ReadAckSeq = Math.Max(pr.ReadAckSeq, round);
        for (int i = 0; i < _voters.Length; i++)
        {
            Progress voter = _progress[_voters[i]];
            _matchBuffer[i] = voter == _self ? _readRound : voter.ReadAckSeq;
        }

        Array.Sort(_matchBuffer);
        ulong confirmed = _matchBuffer[_voters.Length - Quorum];
        while (_readsConfirming.Count > 0 && _readsConfirming.Peek().Round <= confirmed)
        {
            ReleaseRead(_readsConfirming.Dequeue());
        }
    }

    private void ReleaseRead(PendingRead read)
    {
        if (read.From == Id)
        {
            _readStates.Add(new ReadState(read.Index, read.Context));
        }
        else
        {
            Send(RaftMessageType.ReadIndexResponse, read.From, Term, index: read.Index, context: read.Context);
        }
    }

    /// <summary>Called when the leader's commit index moved: reads held back for the first commit of the term can start.</summary>
    private void OnCommitAdvanced()
    {
        if (!CommittedInCurrentTerm)
        {
            return;
        }

        while (_readsAwaitingCommit.Count > 0)
        {
            PendingRead read = _readsAwaitingCommit.Dequeue();
            HandleReadRequest(read.Context, read.From);
        }
    }

    private void ResetReads()
    {
        // Pending reads die with the term: their callers time out and retry. Never carry a read across a leadership change.
        _readsConfirming.Clear();
        _readsAwaitingCommit.Clear();
        _readBroadcastPending = false;
    }

    private readonly record struct PendingRead(ulong Round, ulong Index, ulong Context, ulong From);
}
