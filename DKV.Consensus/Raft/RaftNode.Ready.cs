namespace DKV.Consensus.Raft;

/// <summary>The output side: building ready batches and taking their acknowledgement.</summary>
public sealed partial class RaftNode
{
    /// <summary>True when <see cref="GetReady"/> has something to hand out. False while a batch is outstanding.</summary>
    public bool HasReady
    {
        get
        {
            if (_outstanding is not null)
            {
                return false;
            }

            return _messages.Count > 0 || _readStates.Count > 0 || _appendPending || _readBroadcastPending
                || new SoftState(LeaderId, Role) != _previousSoft || new HardState(Term, Vote, _log.Committed) != _previousHard
                || !_log.UnstableEntries.IsEmpty || _log.UnstableSnapshot is not null || _log.HasNextCommittedEntries;
        }
    }

    /// <summary>
    /// Hands out the next batch of work. The caller must process it as <see cref="Ready"/> describes and call <see cref="Advance"/>
    /// with it before calling <see cref="GetReady"/> again; inputs (<see cref="Step"/>, <see cref="Tick"/>, ...) may be fed in between.
    /// </summary>
    /// <exception cref="RaftSafetyException">The previous batch was not acknowledged.</exception>
    public Ready GetReady()
    {
        if (_outstanding is not null)
        {
            throw new RaftSafetyException($"node {Id}: GetReady called before the previous ready batch was acknowledged with Advance");
        }

        FlushBatchedSends();
        var soft = new SoftState(LeaderId, Role);
        var hard = new HardState(Term, Vote, _log.Committed);
        if (hard != _previousHard && (Bugs & PlantedBugs.VoteBeforePersist) != 0 && TakeGrantedVotes() is { Count: > 0 } early)
        {
            // Planted bug: the vote leaves in a batch that does not persist it; a crash before the next batch forgets the vote.
            _outstanding = new Ready(null, null, default, null, default, early, [], mustSync: false);
            return _outstanding;
        }

        bool syncHard = hard.Term != _previousHard.Term || hard.Vote != _previousHard.Vote;
        ReadOnlyMemory<LogEntry> entries = _log.UnstableEntries;
        RaftSnapshot? snapshot = _log.UnstableSnapshot;
        var ready = new Ready(
            soft != _previousSoft ? soft : null,
            hard != _previousHard ? hard : null,
            entries,
            snapshot,
            _log.NextCommittedEntries(_config.MaxApplyBytes),
            _messages,
            _readStates,
            mustSync: syncHard || !entries.IsEmpty || snapshot is not null);
        _messages = [];
        _readStates = [];
        _previousSoft = soft;
        _previousHard = hard;
        _outstanding = ready;
        return ready;
    }

    /// <summary>
    /// Acknowledges <paramref name="ready"/>: its entries, snapshot and hard state are durable, its messages were handed to the
    /// transport, and its committed entries were applied. A leader counts its own entries toward the commit index only from here.
    /// </summary>
    /// <exception cref="RaftSafetyException"><paramref name="ready"/> is not the outstanding batch.</exception>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (!ReferenceEquals(ready, _outstanding))
        {
            throw new RaftSafetyException($"node {Id}: Advance was given a ready batch that is not the outstanding one");
        }

        _outstanding = null;
        if (ready.Snapshot is { } snapshot)
        {
            _log.StableSnapshotTo(snapshot.Metadata.Index);
            _log.SnapshotApplied(snapshot.Metadata.Index);
        }

        if (!ready.Entries.IsEmpty)
        {
            LogEntry last = ready.Entries.Span[^1];
            _log.StableTo(last.Index, last.Term);
        }

        if (!ready.CommittedEntries.IsEmpty)
        {
            ReadOnlySpan<LogEntry> applied = ready.CommittedEntries.Span;
            _log.AppliedTo(applied[^1].Index);
            if (Role == RaftRole.Leader)
            {
                long bytes = 0;
                foreach (ref readonly LogEntry entry in applied)
                {
                    bytes += entry.SizeBytes;
                }

                _uncommittedBytes = Math.Max(0, _uncommittedBytes - bytes);
            }
        }

        if (Role == RaftRole.Leader && _self.MaybeUpdate(_log.StableLastIndex) && MaybeCommit())
        {
            OnCommitAdvanced();
            BroadcastAppend();
        }
    }

    /// <summary>Sends what was batched since the last ready: new entries to every follower, and one heartbeat round for new reads.</summary>
    private void FlushBatchedSends()
    {
        if (Role != RaftRole.Leader)
        {
            _appendPending = false;
            _readBroadcastPending = false;
            return;
        }

        if (_appendPending)
        {
            _appendPending = false;
            foreach (Progress pr in _peers)
            {
                while (SendAppend(pr, sendIfEmpty: false))
                {
                }
            }
        }

        if (_readBroadcastPending)
        {
            _readBroadcastPending = false;
            BroadcastHeartbeat(_readRound);
        }
    }

    private List<RaftMessage>? TakeGrantedVotes()
    {
        List<RaftMessage>? granted = null;
        for (int i = _messages.Count - 1; i >= 0; i--)
        {
            RaftMessage m = _messages[i];
            if (m.Type == RaftMessageType.VoteResponse && !m.Reject)
            {
                (granted ??= []).Insert(0, m);
                _messages.RemoveAt(i);
            }
        }

        return granted;
    }
}
