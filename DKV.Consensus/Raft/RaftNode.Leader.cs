namespace DKV.Consensus.Raft;

/// <summary>The leader: replication with flow control, the commit rule, heartbeats and check-quorum.</summary>
public sealed partial class RaftNode
{
    private void TickLeader()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        if (_electionElapsed >= _config.ElectionTicks)
        {
            _electionElapsed = 0;
            if (_config.CheckQuorum && !CheckQuorumActive())
            {
                BecomeFollower(Term, 0);
                return;
            }

            _leadTransferee = 0; // a transfer that did not finish within an election timeout is abandoned
        }

        foreach (Progress pr in _peers)
        {
            bool waiting = pr.State == ProgressState.Snapshot || (pr.State == ProgressState.Replicate && pr.Inflights.Count > 0);
            if (waiting && ++pr.StallTicks >= _config.ElectionTicks)
            {
                // Appends or a snapshot were lost without a report from the transport: fall back to probing.
                pr.BecomeProbe();
            }
        }

        if (_heartbeatElapsed >= _config.HeartbeatTicks)
        {
            _heartbeatElapsed = 0;
            BroadcastHeartbeat(CurrentReadRound);
        }
    }

    /// <summary>Check-quorum: true when a quorum (counting this node) was heard from since the last check; clears the marks.</summary>
    private bool CheckQuorumActive()
    {
        int active = 1;
        foreach (Progress pr in _peers)
        {
            if (pr.RecentActive)
            {
                active++;
            }

            pr.RecentActive = false;
        }

        return active >= Quorum;
    }

    private void StepLeader(RaftMessage m)
    {
        Progress pr = _progress[m.From];
        switch (m.Type)
        {
            case RaftMessageType.AppendResponse:
                pr.RecentActive = true;
                HandleAppendResponse(m, pr);
                break;
            case RaftMessageType.HeartbeatResponse:
                pr.RecentActive = true;
                HandleHeartbeatResponse(m, pr);
                break;
            case RaftMessageType.ReadIndex:
                HandleReadRequest(m.Context, m.From);
                break;
            default:
                break; // votes of our own term, stray responses: nothing to do
        }
    }

    private void HandleAppendResponse(RaftMessage m, Progress pr)
    {
        if (m.Reject)
        {
            // Fast back-off: jump to the last index of ours whose term is at most the follower's conflicting term.
            ulong nextProbe = m.LogTerm > 0 ? _log.FindConflictByTerm(m.RejectHint, m.LogTerm).Index : m.RejectHint;
            if (pr.MaybeDecreaseTo(m.Index, nextProbe))
            {
                if (pr.State == ProgressState.Replicate)
                {
                    pr.BecomeProbe();
                }

                SendAppend(pr, sendIfEmpty: true);
            }

            return;
        }

        bool wasPaused = pr.IsPaused;
        if (!pr.MaybeUpdate(m.Index))
        {
            return;
        }

        switch (pr.State)
        {
            case ProgressState.Probe:
                pr.BecomeReplicate();
                break;
            case ProgressState.Snapshot when pr.Match + 1 >= _log.FirstIndex:
                pr.BecomeProbe();
                pr.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                pr.Inflights.FreeTo(m.Index);
                break;
            default:
                break;
        }

        if (MaybeCommit())
        {
            OnCommitAdvanced();
            BroadcastAppend();
        }
        else if (wasPaused)
        {
            SendAppend(pr, sendIfEmpty: false);
        }

        while (SendAppend(pr, sendIfEmpty: false))
        {
        }

        if (m.From == _leadTransferee && pr.Match == _log.LastIndex)
        {
            Send(RaftMessageType.TimeoutNow, pr.Id, Term);
        }
    }

    private void HandleHeartbeatResponse(RaftMessage m, Progress pr)
    {
        pr.ProbeSent = false;
        if (pr.Match < _log.LastIndex)
        {
            SendAppend(pr, sendIfEmpty: true);
        }

        if (m.Context != 0)
        {
            HandleReadAck(m.Context, pr);
        }
    }

    /// <summary>Advances the commit index to the quorum's match point, but only onto an entry of the current term (figure 8).</summary>
    private bool MaybeCommit()
    {
        for (int i = 0; i < _voters.Length; i++)
        {
            _matchBuffer[i] = _progress[_voters[i]].Match;
        }

        Array.Sort(_matchBuffer);
        ulong quorumMatch = _matchBuffer[_voters.Length - Quorum];
        if (quorumMatch <= _log.Committed)
        {
            return false;
        }

        bool countOnly = (Bugs & PlantedBugs.CommitPreviousTermByCount) != 0;
        if (!countOnly && _log.Term(quorumMatch) != Term)
        {
            return false; // a quorum holds it, but an entry of an earlier term is committed only by a later one of ours
        }

        _log.CommitTo(quorumMatch);
        return true;
    }

    private void AppendOwn(in LogEntry entry)
    {
        _log.AppendNext(entry);
        _uncommittedBytes += entry.SizeBytes;
        _appendPending = true;
    }

    private void BroadcastAppend()
    {
        foreach (Progress pr in _peers)
        {
            SendAppend(pr, sendIfEmpty: true);
        }
    }

    private void BroadcastHeartbeat(ulong readRound)
    {
        foreach (Progress pr in _peers)
        {
            // Never tell a follower to commit beyond what it is known to hold.
            Send(RaftMessageType.Heartbeat, pr.Id, Term, commit: Math.Min(pr.Match, _log.Committed), context: readRound);
        }
    }

    /// <summary>Sends the next append (or a snapshot when the entries are compacted); false when paused or nothing to send.</summary>
    private bool SendAppend(Progress pr, bool sendIfEmpty)
    {
        if (pr.IsPaused)
        {
            return false;
        }

        ulong prevIndex = pr.Next - 1;
        if (!_log.TryGetTerm(prevIndex, out ulong prevTerm) || !_log.TryGetEntries(pr.Next, _config.MaxAppendBytes, out ReadOnlyMemory<LogEntry> entries))
        {
            return SendSnapshot(pr);
        }

        if (entries.IsEmpty && !sendIfEmpty)
        {
            return false;
        }

        Send(RaftMessageType.Append, pr.Id, Term, index: prevIndex, logTerm: prevTerm, commit: _log.Committed, entries: entries);
        pr.SentEntries(entries.Length, prevIndex + (ulong)entries.Length);
        return true;
    }

    private bool SendSnapshot(Progress pr)
    {
        if (!pr.RecentActive || _log.Snapshot is not { } snapshot)
        {
            return false; // wait until the follower is known to be reachable, or until a snapshot exists
        }

        Send(RaftMessageType.InstallSnapshot, pr.Id, Term, snapshot: snapshot);
        pr.BecomeSnapshot(snapshot.Metadata.Index);
        return true;
    }
}
