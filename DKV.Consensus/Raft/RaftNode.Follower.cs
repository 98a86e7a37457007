namespace DKV.Consensus.Raft;

/// <summary>The follower: accepting appends (log matching), heartbeats and snapshots from the leader.</summary>
public sealed partial class RaftNode
{
    private void StepFollower(RaftMessage m)
    {
        switch (m.Type)
        {
            case RaftMessageType.Append:
                _electionElapsed = 0;
                LeaderId = m.From;
                HandleAppend(m);
                break;
            case RaftMessageType.Heartbeat:
                _electionElapsed = 0;
                LeaderId = m.From;
                HandleHeartbeat(m);
                break;
            case RaftMessageType.InstallSnapshot:
                _electionElapsed = 0;
                LeaderId = m.From;
                HandleSnapshot(m);
                break;
            case RaftMessageType.TimeoutNow:
                Campaign(transfer: true);
                break;
            case RaftMessageType.ReadIndexResponse:
                _readStates.Add(new ReadState(m.Index, m.Context));
                break;
            default:
                break; // a read request reaching a follower is dropped: the sender times out and retries at the leader
        }
    }

    private void HandleAppend(RaftMessage m)
    {
        if (m.Index < _log.Committed)
        {
            // Everything through our commit index already matches the leader: acknowledge that much.
            Send(RaftMessageType.AppendResponse, m.From, Term, index: _log.Committed);
            return;
        }

        if (_log.TryAppendAfter(m.Index, m.LogTerm, m.Commit, m.Entries, out ulong lastNewIndex))
        {
            Send(RaftMessageType.AppendResponse, m.From, Term, index: lastNewIndex);
            return;
        }

        // Log matching failed at m.Index. Hint the highest index that could match: the last index of ours at or below both
        // m.Index and our last index whose term is at most the leader's term there (fast back-off, etcd-raft style).
        ulong hintIndex = Math.Min(m.Index, _log.LastIndex);
        (ulong index, ulong term) = _log.FindConflictByTerm(hintIndex, m.LogTerm);
        Send(RaftMessageType.AppendResponse, m.From, Term, index: m.Index, reject: true, rejectHint: index, logTerm: term);
    }

    private void HandleHeartbeat(RaftMessage m)
    {
        _log.CommitTo(m.Commit);
        Send(RaftMessageType.HeartbeatResponse, m.From, Term, context: m.Context);
    }

    private void HandleSnapshot(RaftMessage m)
    {
        RaftSnapshot? snapshot = m.Snapshot;
        if (snapshot is null)
        {
            return;
        }

        ulong index = snapshot.Metadata.Index;
        if (index <= _log.Committed)
        {
            // Older than what we have committed: ignore it, but tell the leader where we are.
            Send(RaftMessageType.AppendResponse, m.From, Term, index: _log.Committed);
            return;
        }

        if (_log.MatchTerm(index, snapshot.Metadata.Term))
        {
            // We already hold the entry the snapshot ends at: just move the commit index.
            _log.CommitTo(index);
            Send(RaftMessageType.AppendResponse, m.From, Term, index: _log.Committed);
            return;
        }

        _log.Restore(snapshot);
        Send(RaftMessageType.AppendResponse, m.From, Term, index: _log.LastIndex);
    }
}
