using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Consensus.Host;

/// <summary>The event loop: one per node, serving every group.</summary>
internal sealed partial class NodeHost
{
    private const int MaxTicksPerIteration = 3;

    // Entry bytes taken from the queues per iteration, so one group's batch fits one write-ahead log record (see WalRecordBytes).
    private const long MaxDrainBytesPerIteration = 8L * 1024 * 1024;

    /// <summary>The event loop's thread: runs until the node stops or a fatal error, then fails what is left.</summary>
    private void RunLoop()
    {
        CancellationToken stop = _stop.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                _wake.Reset(); // inputs queued from here on set it again
                bool busy = DrainPeerInputs();
                busy |= DrainProposals();
                RunTicks();
                foreach (RaftGroup group in _groupList)
                {
                    if (group.HasReadWork)
                    {
                        group.DriveReads(NextReadContext, _tickCount, _options.ElectionRttFactor);
                    }
                }

                busy |= ProcessReadies();
                _completions.Dispatch();
                if (!busy)
                {
                    WaitForWork(stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: DisposeAsync cancelled the wait.
        }
        catch (Exception ex)
        {
            _failure = $"the node stopped on a fatal error ({ex.Message})";
            Log.NodeFailed(_logger, _options.ReplicaName, ex);
            _failed.TrySetResult(_failure);
        }
        finally
        {
            FailEverything(_failure ?? "the node is stopping");
            _loopExited.TrySetResult();
        }
    }

    private bool DrainPeerInputs()
    {
        int count = 0;
        long bytes = 0;
        while (count < MaxDrainPerIteration && bytes < MaxDrainBytesPerIteration && _peerInputs.Reader.TryRead(out PeerInput input))
        {
            count++;
            bytes += input.Message is { } m ? (m.Entries.Length * LogEntry.OverheadBytes) + EntryBytes(m) : 0;
            switch (input.Kind)
            {
                case PeerInputKind.Message:
                    if (_groups.TryGetValue(input.GroupId, out RaftGroup? group))
                    {
                        group.Node.Step(input.Message!);
                    }
                    else
                    {
                        Log.UnknownGroup(_logger, input.GroupId);
                    }

                    break;
                case PeerInputKind.Unreachable:
                    foreach (RaftGroup g in _groupList)
                    {
                        g.Node.ReportUnreachable(input.Peer);
                    }

                    break;
                case PeerInputKind.SnapshotSent:
                    if (_groups.TryGetValue(input.GroupId, out RaftGroup? target))
                    {
                        target.Node.ReportSnapshot(input.Peer, input.Succeeded);
                    }

                    break;
            }
        }

        return count > 0;
    }

    private void WaitForWork(CancellationToken stop)
    {
        if (!_holdingProposals)
        {
            _wake.Wait(stop);
            return;
        }

        long remaining = _holdUntil - _time.GetTimestamp();
        if (remaining > 0)
        {
            _wake.Wait(TimeSpan.FromSeconds((double)remaining / _time.TimestampFrequency), stop);
        }
    }

    private bool DrainProposals()
    {
        int count = 0;
        long bytes = 0;
        long now = _time.GetTimestamp();
        _holdingProposals = ShouldHoldProposals(now);
        if (_holdingProposals)
        {
            return false;
        }

        while (count < MaxDrainPerIteration && bytes < MaxDrainBytesPerIteration && _proposals.Reader.TryRead(out ProposalRequest? request))
        {
            count++;
            bytes += request.Command.Length + LogEntry.OverheadBytes;
            Propose(request, now);
        }

        return count > 0;
    }

    /// <summary>
    /// Leader batching: while a group this node leads still has an uncommitted batch in flight, proposals wait (at most
    /// raft.max-batch-delay-us after the oldest was queued, and only until <see cref="_holdReleaseCount"/> are queued) and go
    /// out together once it commits.
    /// </summary>
    /// <remarks>
    /// Why: with clients on every node, proposals trickle in from several connections and peers, and the loop proposed them a
    /// few at a time: each batch costs a sync on every replica and a message each way. Holding them for the batch in flight
    /// (about one follower sync and round trip) makes batches larger on a busy cluster (40 % fewer syncs per write in the
    /// 3-node benchmark); an idle group has nothing in flight, so a lone write is never held. With several groups, a held
    /// proposal may belong to a group this node does not lead; it still waits at most the delay.
    /// </remarks>
    private bool ShouldHoldProposals(long now)
    {
        if (_holdTicks == 0 || !_proposals.Reader.TryPeek(out ProposalRequest? oldest) || _proposals.Reader.Count >= _holdReleaseCount)
        {
            return false;
        }

        long until = oldest.QueuedTimestamp + _holdTicks;
        if (now >= until)
        {
            return false;
        }

        foreach (RaftGroup group in _groupList)
        {
            RaftNode node = group.Node;
            if (node.Role == RaftRole.Leader && node.LastIndex > node.CommitIndex)
            {
                _holdUntil = until;
                return true;
            }
        }

        return false;
    }

    private static long EntryBytes(RaftMessage message)
    {
        long bytes = message.Snapshot?.Data.Length ?? 0;
        foreach (ref readonly LogEntry entry in message.Entries.Span)
        {
            bytes += entry.Data.Length;
        }

        return bytes;
    }

    private void Propose(ProposalRequest request, long now)
    {
        if (!_groups.TryGetValue(request.GroupId, out RaftGroup? group))
        {
            _completions.Add(request, ProposalOutcome.Failed(DkvErrorCode.UnknownShard, UnknownGroup(request.GroupId).Message));
            return;
        }

        if (now >= request.DeadlineTimestamp)
        {
            _completions.Add(request, ProposalOutcome.Failed(DkvErrorCode.Unavailable,
                $"group {request.GroupId}: the write waited in the queue past its timeout and was never proposed; it was not applied, retry it"));
            return;
        }

        RaftNode node = group.Node;
        if (node.Role == RaftRole.Leader)
        {
            try
            {
                LeaderStamp.Apply(request.Command, _time.GetUtcNow().UtcTicks);
            }
            catch (DkvException ex)
            {
                _completions.Add(request, ProposalOutcome.Failed(ex.Code, ex.Message));
                return;
            }
        }

        ProposeResult result = node.Propose(request.Command);
        switch (result.Status)
        {
            case ProposalStatus.Accepted:
                request.Term = result.Term;
                request.Proposed = true;
                Counters.Proposed++;
                group.AddWaiter(result.Index, request);
                break;
            case ProposalStatus.NotLeader when !request.Forwarded:
                Forward(request, node.LeaderId);
                break;
            case ProposalStatus.NotLeader or ProposalStatus.NoLeader or ProposalStatus.TransferInProgress:
                _completions.Add(request, ProposalOutcome.NoLeader(
                    $"group {request.GroupId}: replica {_options.ReplicaName} is not the leader ({result.Status}); the write was not applied",
                    result.Status == ProposalStatus.TransferInProgress ? ReplicaId : node.LeaderId));
                break;
            default:
                _completions.Add(request, ProposalOutcome.Failed(DkvErrorCode.Unavailable,
                    $"group {request.GroupId}: the leader refused the write ({result.Status}: too many uncommitted entries); it was not applied, retry after a short back-off"));
                break;
        }
    }

    private void RunTicks()
    {
        long ticks = Interlocked.Exchange(ref _pendingTicks, 0);
        if (ticks == 0)
        {
            return;
        }

        // After a stall, catch up a little rather than fire a whole election timeout of ticks at once.
        ticks = Math.Min(ticks, MaxTicksPerIteration);
        for (long i = 0; i < ticks; i++)
        {
            _tickCount++;
            foreach (RaftGroup group in _groupList)
            {
                group.Node.Tick();
            }
        }

        long now = _time.GetTimestamp();
        long oldestRead = now - (long)(_options.RequestTimeout.TotalSeconds * _time.TimestampFrequency);
        foreach (RaftGroup group in _groupList)
        {
            group.SweepExpiredWaiters(now);
            group.ExpireReads(oldestRead, _options.RequestTimeout);
        }
    }

    private void OnSoftState(RaftGroup group, SoftState soft)
    {
        group.ResetUnconfirmedRead();
        if (soft.Role != group.LastRole || soft.Leader != group.KnownLeader)
        {
            group.LastRole = soft.Role;
            Log.RoleChanged(_logger, group.GroupId, _options.ReplicaName, RoleName(soft.Role), group.Node.Term,
                soft.Leader == 0 ? "none" : NameOf(soft.Leader));
        }
    }

    private void MaybeSnapshot(RaftGroup group)
    {
        ulong applied = group.StateMachine.AppliedIndex;
        bool byCount = _options.SnapshotEntries != 0 && applied - group.LastSnapshotIndex >= _options.SnapshotEntries;
        if (!byCount && !LogTooLarge(group, applied))
        {
            return;
        }

        var image = new MemoryStream();
        ulong index = group.StateMachine.SaveSnapshot(image);
        CompactionPlan plan = group.Node.Compact(index, image.GetBuffer().AsMemory(0, (int)image.Length));
        group.Storage.Compact(plan);
        group.LastSnapshotIndex = index;
        group.RecountLogBytes();
        group.LogBytesAfterSnapshot = group.Status.LogBytes;
        Log.SnapshotTaken(_logger, group.GroupId, index, (int)image.Length, plan.FirstIndexToKeep);
    }

    // The byte bound: past raft.max-log-bytes, and only once half that much was logged since the last compaction, so a kept
    // tail (--compaction-overhead entries) that is itself large cannot make every iteration snapshot again.
    private bool LogTooLarge(RaftGroup group, ulong applied)
    {
        long bytes = group.Status.LogBytes;
        return applied > group.LastSnapshotIndex
            && bytes > _settings.MaxLogBytes
            && bytes - group.LogBytesAfterSnapshot >= _settings.MaxLogBytes / 2;
    }

    private void FailEverything(string reason)
    {
        _proposals.Writer.TryComplete();
        while (_proposals.Reader.TryRead(out ProposalRequest? request))
        {
            _completions.Add(request, ProposalOutcome.Failed(DkvErrorCode.Unavailable,
                $"group {request.GroupId} on replica {_options.ReplicaName}: {reason}; the write was not applied, retry on another replica"));
        }

        foreach (RaftGroup group in _groupList)
        {
            group.FailAll(reason);
        }

        _completions.Dispatch();
    }
}
