using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Consensus.Host;

/// <summary>Batched ReadIndex: at most one unconfirmed round per group; confirmed rounds complete once applied.</summary>
internal sealed partial class RaftGroup
{
    /// <summary>True when a round is waiting to be (re-)issued or confirmed.</summary>
    public bool HasReadWork => _outstandingRead is not null || Volatile.Read(ref _nextRead) is not null;

    /// <summary>
    /// Starts the next round when none is unconfirmed, or re-issues an unconfirmed one that never got going (no leader) or
    /// went unanswered for <paramref name="reissueTicks"/> ticks (a lost message or a deposed leader).
    /// </summary>
    public void DriveReads(Func<ulong> nextContext, long tick, int reissueTicks)
    {
        if (_outstandingRead is null)
        {
            lock (_gate)
            {
                _outstandingRead = _nextRead;
                _nextRead = null;
            }

            if (_outstandingRead is null)
            {
                return;
            }
        }
        else if (_outstandingRead.Context != 0 && tick - _outstandingRead.IssuedAtTick < reissueTicks)
        {
            return;
        }
        else if (_outstandingRead.Context == 0 && _outstandingRead.IssuedAtTick == tick)
        {
            return; // tried this tick already without a leader; wait for the next tick or a leader change
        }

        Issue(_outstandingRead, nextContext(), tick);
    }

    /// <summary>A read state arrived: the matching round is confirmed and waits for the apply index.</summary>
    public void OnReadState(in ReadState state)
    {
        if (_outstandingRead is { } round && round.Context == state.Context)
        {
            round.Index = state.Index;
            _confirmedReads.Enqueue(round);
            _outstandingRead = null;
        }
    }

    /// <summary>Releases every confirmed round whose index the state machine has reached.</summary>
    public void CompleteAppliedReads()
    {
        ulong applied = StateMachine.AppliedIndex;
        while (_confirmedReads.TryPeek(out ReadRound? round) && round.Index <= applied)
        {
            _confirmedReads.Dequeue();
            Finish(round, null);
        }
    }

    /// <summary>Fails the rounds created before <paramref name="oldestAllowedTimestamp"/> with Timeout (no leader or no quorum).</summary>
    public void ExpireReads(long oldestAllowedTimestamp, TimeSpan timeout)
    {
        if (_outstandingRead is { } round && round.CreatedTimestamp < oldestAllowedTimestamp)
        {
            _outstandingRead = null;
            Finish(round, ReadTimeout(timeout));
        }

        while (_confirmedReads.TryPeek(out ReadRound? confirmed) && confirmed.CreatedTimestamp < oldestAllowedTimestamp)
        {
            // Confirmed but not yet applied: this replica is far behind; the rounds behind it are younger.
            _confirmedReads.Dequeue();
            Finish(confirmed, ReadTimeout(timeout));
        }
    }

    /// <summary>Forces an unconfirmed round to be re-issued on the next drive (the leader changed).</summary>
    public void ResetUnconfirmedRead()
    {
        if (_outstandingRead is { } round)
        {
            round.Context = 0;
            round.IssuedAtTick = long.MinValue;
        }
    }

    private DkvException ReadTimeout(TimeSpan timeout) => new(DkvErrorCode.Timeout,
        $"group {GroupId}: no read index was confirmed and applied within {timeout} (no leader, no quorum, or this replica lags); retry later");

    private void Issue(ReadRound round, ulong context, long tick)
    {
        ProposalStatus status = Node.ReadIndex(context);
        round.IssuedAtTick = tick;
        switch (status)
        {
            case ProposalStatus.Accepted:
                round.Context = context;
                break;
            case ProposalStatus.Overloaded or ProposalStatus.Rejected:
                _outstandingRead = null;
                Finish(round, new DkvException(DkvErrorCode.Unavailable,
                    $"group {GroupId}: the leader refused a read index ({status}); the read was not served, retry after a short back-off"));
                break;
            default:
                round.Context = 0; // no leader yet: retried on the next tick
                break;
        }
    }
}
