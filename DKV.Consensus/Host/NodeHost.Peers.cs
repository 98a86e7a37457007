using DKV.Consensus.Peers;
using DKV.Consensus.Raft;
using DKV.Core.Errors;
using DKV.Core.Stores;

namespace DKV.Consensus.Host;

/// <summary>What the peer network delivers, and forwarding writes to the leader.</summary>
internal sealed partial class NodeHost
{
    /// <inheritdoc/>
    public void OnRaftMessage(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        QueuePeerInput(PeerInput.Raft(message));
    }

    /// <inheritdoc/>
    public void OnPeerUnreachable(ulong peerId) => QueuePeerInput(PeerInput.Unreachable(peerId));

    /// <inheritdoc/>
    public void OnSnapshotSent(ulong groupId, ulong to, bool succeeded) => QueuePeerInput(PeerInput.SnapshotSent(groupId, to, succeeded));

    /// <inheritdoc/>
    public async ValueTask<PeerReply> OnRequestAsync(ulong from, PeerRequest request, CancellationToken cancellationToken)
    {
        if (request.Kind != PeerRequestKind.Propose)
        {
            return new PeerReply(DkvErrorCode.UnknownMessageType, $"peer request kind {request.Kind} is unknown to replica {_options.ReplicaName}", false, 0, 0);
        }

        if (!_groups.TryGetValue(request.GroupId, out RaftGroup? group))
        {
            return new PeerReply(DkvErrorCode.UnknownShard, UnknownGroup(request.GroupId).Message, false, 0, 0);
        }

        long deadline = DeadlineAfter(_options.RequestTimeout);
        var proposal = new ProposalRequest(request.GroupId, request.Payload.ToArray(), forwarded: true, deadline);
        ProposalOutcome outcome = Enqueue(proposal)
            ? await proposal.Completion.WaitAsync(cancellationToken).ConfigureAwait(false)
            : RefusedAtQueue(request.GroupId);
        return new PeerReply(outcome.Error, outcome.Message, outcome.Result.Applied, outcome.Result.Index, group.KnownLeader);
    }

    private void QueuePeerInput(in PeerInput input)
    {
        // A full queue drops the input: Raft retransmits, and a dropped snapshot report is retried by the leader's probe.
        if (_peerInputs.Writer.TryWrite(input))
        {
            Ring();
        }
    }

    private void Forward(ProposalRequest request, ulong leader) => Observe(ForwardAsync(request, leader));

    private async Task ForwardAsync(ProposalRequest request, ulong leader)
    {
        TimeSpan remaining = RemainingUntil(request.DeadlineTimestamp);
        using var timeout = new CancellationTokenSource(remaining, _time);
        string leaderName = NameOf(leader);
        try
        {
            PeerReply reply = await _network.CallAsync(leader, new PeerRequest(request.GroupId, PeerRequestKind.Propose, request.Command), timeout.Token)
                .ConfigureAwait(false);
            Finish(request, reply.Error switch
            {
                DkvErrorCode.None => ProposalOutcome.Applied(new WriteResult(reply.Applied, reply.Index)),
                DkvErrorCode.NotLeader => ProposalOutcome.NoLeader(
                    $"group {request.GroupId}: replica {leaderName} is no longer the leader; the write was not applied", leader),
                DkvErrorCode.Timeout or DkvErrorCode.ConnectionLost => ProposalOutcome.Retry(reply.Error,
                    reply.ErrorMessage ?? $"group {request.GroupId}: the leader {leaderName} answered {reply.Error}; it may have been applied", leader),
                _ => ProposalOutcome.Failed(reply.Error, reply.ErrorMessage ?? $"group {request.GroupId}: the leader {leaderName} answered {reply.Error}"),
            });
        }
        catch (DkvException ex) when (ex.Code == DkvErrorCode.Unavailable)
        {
            Finish(request, ProposalOutcome.NoLeader(
                $"group {request.GroupId}: the leader {leaderName} could not be reached ({ex.Message}); the write was not applied", leader));
        }
        catch (DkvException ex)
        {
            // The leader may have applied it. A retry carries the same client id and sequence, which the state machine
            // de-duplicates, so it is retried once another leader is known (and reported as maybe applied if none is).
            Finish(request, ProposalOutcome.Retry(ex.Code == DkvErrorCode.ConnectionLost ? DkvErrorCode.ConnectionLost : DkvErrorCode.Timeout,
                $"group {request.GroupId}: the write forwarded to the leader {leaderName} got no answer ({ex.Message}); it may have been applied", leader));
        }
        catch (OperationCanceledException)
        {
            Finish(request, ProposalOutcome.Failed(DkvErrorCode.Timeout,
                $"group {request.GroupId}: the write forwarded to the leader {leaderName} got no answer within {_options.RequestTimeout}; it may have been applied"));
        }
    }

    /// <summary>Completes a forwarded write: batched on the event loop's thread (a synchronous failure), directly elsewhere.</summary>
    private void Finish(ProposalRequest request, in ProposalOutcome outcome)
    {
        if (Thread.CurrentThread == _loopThread)
        {
            _completions.Add(request, outcome);
        }
        else
        {
            request.Complete(outcome);
        }
    }

    internal TimeSpan RemainingUntil(long deadlineTimestamp)
    {
        long ticks = deadlineTimestamp - _time.GetTimestamp();
        return ticks <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)ticks / _time.TimestampFrequency);
    }

    internal long DeadlineAfter(TimeSpan duration) =>
        _time.GetTimestamp() + (long)(duration.TotalSeconds * _time.TimestampFrequency);

    /// <summary>The one way this class starts work it does not await: failures are logged, never lost.</summary>
    private void Observe(Task task)
    {
        if (task.IsCompleted)
        {
            if (task.IsFaulted)
            {
                Log.BackgroundFailed(_logger, _options.ReplicaName, task.Exception!.GetBaseException());
            }

            return;
        }

        _ = task.ContinueWith(
            static (t, state) => Log.BackgroundFailed(((NodeHost)state!)._logger, ((NodeHost)state!)._options.ReplicaName, t.Exception!.GetBaseException()),
            this,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
