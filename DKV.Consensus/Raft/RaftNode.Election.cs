namespace DKV.Consensus.Raft;

/// <summary>Message intake, term rules, elections (with pre-vote and leader stickiness) and role changes.</summary>
public sealed partial class RaftNode
{
    /// <summary>
    /// Feeds a message from another member of the group. Messages may arrive lost, duplicated, reordered or stale: each is judged
    /// on its term and content. Messages from non-members are ignored.
    /// </summary>
    /// <exception cref="ArgumentException">The message is for another group or another node (a routing bug in the caller).</exception>
    public void Step(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.GroupId != _config.GroupId || message.To != _config.NodeId)
        {
            throw new ArgumentException($"message for group {message.GroupId} node {message.To} was routed to group {_config.GroupId} node {_config.NodeId}", nameof(message));
        }

        if (!IsVoter(message.From) || message.From == Id || !AcceptTerm(message))
        {
            return;
        }

        if (message.Type is RaftMessageType.Vote or RaftMessageType.PreVote)
        {
            HandleVoteRequest(message);
            return;
        }

        switch (Role)
        {
            case RaftRole.Leader:
                StepLeader(message);
                break;
            case RaftRole.Follower:
                StepFollower(message);
                break;
            default:
                StepCandidate(message);
                break;
        }
    }

    /// <summary>Raft's term rules (paper figure 2, thesis 9.6 for pre-vote and leader stickiness). False when the message is to be dropped.</summary>
    private bool AcceptTerm(RaftMessage m)
    {
        if (m.Term == 0 || m.Term == Term)
        {
            return true;
        }

        if (m.Term > Term)
        {
            if (m.Type is RaftMessageType.Vote or RaftMessageType.PreVote)
            {
                bool inLease = _config.CheckQuorum && LeaderId != 0 && _electionElapsed < _config.ElectionTicks;
                if (inLease && !m.Transfer)
                {
                    return false; // we heard from a live leader recently: do not let this candidate disrupt it
                }
            }

            if (m.Type == RaftMessageType.PreVote || (m.Type == RaftMessageType.PreVoteResponse && !m.Reject))
            {
                return true; // pre-votes never change terms; a granted one is for the term we would campaign in
            }

            bool fromLeader = m.Type is RaftMessageType.Append or RaftMessageType.Heartbeat or RaftMessageType.InstallSnapshot;
            BecomeFollower(m.Term, fromLeader ? m.From : 0);
            return true;
        }

        // A stale term. Tell a stale leader about the newer term so it steps down (needed with check-quorum and pre-vote, where
        // our term may not otherwise reach it); refuse stale pre-votes explicitly so the sender can learn our term.
        if ((_config.CheckQuorum || _config.PreVote) && m.Type is RaftMessageType.Append or RaftMessageType.Heartbeat)
        {
            Send(RaftMessageType.AppendResponse, m.From, Term);
        }
        else if (m.Type == RaftMessageType.PreVote)
        {
            Send(RaftMessageType.PreVoteResponse, m.From, Term, reject: true);
        }

        return false;
    }

    private void HandleVoteRequest(RaftMessage m)
    {
        bool preVote = m.Type == RaftMessageType.PreVote;
        var responseType = preVote ? RaftMessageType.PreVoteResponse : RaftMessageType.VoteResponse;
        bool canVote = Vote == m.From || (Vote == 0 && LeaderId == 0) || (preVote && m.Term > Term);
        if (canVote && _log.IsUpToDate(m.Index, m.LogTerm))
        {
            // The response carries the candidate's term: for a vote it equals ours (we adopted it), for a pre-vote it is the
            // future term. The vote itself reaches the hard state of this ready batch, persisted before the response is sent.
            Send(responseType, m.From, m.Term);
            if (!preVote)
            {
                _electionElapsed = 0;
                Vote = m.From;
            }
        }
        else
        {
            Send(responseType, m.From, Term, reject: true);
        }
    }

    private void StepCandidate(RaftMessage m)
    {
        switch (m.Type)
        {
            case RaftMessageType.Append:
                BecomeFollower(m.Term, m.From);
                HandleAppend(m);
                break;
            case RaftMessageType.Heartbeat:
                BecomeFollower(m.Term, m.From);
                HandleHeartbeat(m);
                break;
            case RaftMessageType.InstallSnapshot:
                BecomeFollower(m.Term, m.From);
                HandleSnapshot(m);
                break;
            case RaftMessageType.PreVoteResponse when Role == RaftRole.PreCandidate && (m.Reject || m.Term == Term + 1):
            case RaftMessageType.VoteResponse when Role == RaftRole.Candidate:
                HandleVoteResponse(m);
                break;
            default:
                break; // nothing else concerns a candidate
        }
    }

    private void HandleVoteResponse(RaftMessage m)
    {
        switch (Poll(m.From, !m.Reject))
        {
            case ElectionOutcome.Won when Role == RaftRole.PreCandidate:
                StartElection(RaftMessageType.Vote, transfer: false);
                break;
            case ElectionOutcome.Won:
                BecomeLeader();
                BroadcastAppend();
                break;
            case ElectionOutcome.Lost:
                BecomeFollower(Term, 0);
                break;
            default:
                break;
        }
    }

    private void Campaign(bool transfer)
    {
        if (Role == RaftRole.Leader)
        {
            return;
        }

        StartElection(_config.PreVote && !transfer ? RaftMessageType.PreVote : RaftMessageType.Vote, transfer);
    }

    private void StartElection(RaftMessageType type, bool transfer)
    {
        ulong electionTerm;
        if (type == RaftMessageType.PreVote)
        {
            BecomePreCandidate();
            electionTerm = Term + 1;
        }
        else
        {
            BecomeCandidate();
            electionTerm = Term;
        }

        if (Poll(Id, granted: true) == ElectionOutcome.Won)
        {
            // A single-voter group: won at once.
            if (type == RaftMessageType.PreVote)
            {
                StartElection(RaftMessageType.Vote, transfer);
            }
            else
            {
                BecomeLeader();
            }

            return;
        }

        ulong lastIndex = _log.LastIndex;
        ulong lastTerm = _log.LastTerm;
        foreach (Progress peer in _peers)
        {
            Send(type, peer.Id, electionTerm, index: lastIndex, logTerm: lastTerm, transfer: transfer);
        }
    }

    private ElectionOutcome Poll(ulong from, bool granted)
    {
        _votes.TryAdd(from, granted);
        int yes = 0;
        int no = 0;
        foreach (bool vote in _votes.Values)
        {
            if (vote)
            {
                yes++;
            }
            else
            {
                no++;
            }
        }

        if (yes >= Quorum)
        {
            return ElectionOutcome.Won;
        }

        return no > _voters.Length - Quorum ? ElectionOutcome.Lost : ElectionOutcome.Pending;
    }

    private void BecomeFollower(ulong term, ulong leader)
    {
        Reset(term);
        LeaderId = leader;
        Role = RaftRole.Follower;
    }

    private void BecomePreCandidate()
    {
        // Pre-vote changes neither term nor vote: nothing to persist, nothing to disrupt.
        _votes.Clear();
        LeaderId = 0;
        Role = RaftRole.PreCandidate;
    }

    private void BecomeCandidate()
    {
        Reset(Term + 1);
        Vote = Id;
        Role = RaftRole.Candidate;
    }

    private void BecomeLeader()
    {
        if (Role != RaftRole.Candidate)
        {
            throw new RaftSafetyException($"node {Id} tried to become leader from role {Role} in term {Term}");
        }

        Reset(Term);
        LeaderId = Id;
        Role = RaftRole.Leader;
        _self.RecentActive = true;
        _self.BecomeReplicate();
        _self.MaybeUpdate(_log.StableLastIndex);

        // The no-op of the new term: committing it commits every earlier entry (figure 8 rule) and unblocks ReadIndex.
        AppendOwn(new LogEntry(_log.LastIndex + 1, Term, EntryType.Normal, ReadOnlyMemory<byte>.Empty));
    }

    private void Reset(ulong term)
    {
        if (term < Term)
        {
            throw new RaftSafetyException($"term would move back from {Term} to {term} on node {Id}");
        }

        if (term != Term)
        {
            Term = term;
            Vote = 0;
        }

        LeaderId = 0;
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        ResetRandomizedElectionTimeout();
        _leadTransferee = 0;
        _votes.Clear();
        _uncommittedBytes = 0;
        _appendPending = false;
        ulong next = _log.LastIndex + 1;
        foreach (Progress pr in _progress.Values)
        {
            pr.Reset(next);
        }

        ResetReads();
    }

    private enum ElectionOutcome
    {
        Pending,
        Won,
        Lost,
    }
}
