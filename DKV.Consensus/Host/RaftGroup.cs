using DKV.Consensus.Raft;
using DKV.Consensus.StateMachine;
using DKV.Consensus.Storage;
using DKV.Core.Errors;
using DKV.Core.Storage;

namespace DKV.Consensus.Host;

/// <summary>
/// One Raft group hosted by a <see cref="NodeHost"/>: its core, durable storage, engine and state machine, the proposals
/// waiting for their entries to apply, and its read rounds.
/// </summary>
/// <remarks>
/// Only the event loop touches the core, the storage, the waiters and the outstanding read rounds. Other threads use just
/// <see cref="JoinNextReadRound"/>, <see cref="Status"/>, <see cref="KnownLeader"/>, <see cref="StateChanged"/> and the
/// state machine's reads.
/// </remarks>
internal sealed partial class RaftGroup : IDisposable
{
    private readonly Dictionary<ulong, ProposalRequest> _waiters = [];
    private readonly Queue<ReadRound> _confirmedReads = new();
    private readonly Lock _gate = new();
    private readonly CompletionBatch _completions;
    private readonly int _maxPendingReads;
    private ReadRound? _nextRead;
    private ReadRound? _outstandingRead;
    private RaftStatus _status;
    private TaskCompletionSource _stateChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ulong _knownLeader;
    private long _logBytes;
    private int _waitingReaders;

    public RaftGroup(ulong groupId, RaftNode node, DurableRaftStorage storage, IKVDB engine, KvStateMachine stateMachine, int maxPendingReads,
        CompletionBatch completions)
    {
        _completions = completions;
        GroupId = groupId;
        Node = node;
        Storage = storage;
        Engine = engine;
        StateMachine = stateMachine;
        _maxPendingReads = maxPendingReads;
        LastSnapshotIndex = storage.Snapshot?.Metadata.Index ?? 0;
        _logBytes = CountLogBytes();
        PublishStatus();
    }

    public ulong GroupId { get; }

    public RaftNode Node { get; }

    public DurableRaftStorage Storage { get; }

    public IKVDB Engine { get; }

    public KvStateMachine StateMachine { get; }

    /// <summary>The index of the latest snapshot taken or installed.</summary>
    public ulong LastSnapshotIndex { get; set; }

    /// <summary>The bytes of log held right after the last snapshot's compaction (what compaction cannot drop: the kept tail).</summary>
    public long LogBytesAfterSnapshot { get; set; }

    /// <summary>The role this group had after the last ready batch (to log changes).</summary>
    public RaftRole LastRole { get; set; }

    /// <summary>The leader this replica knows (0 when none). Thread-safe.</summary>
    public ulong KnownLeader => Volatile.Read(ref _knownLeader);

    /// <summary>Completes the next time the role, leader or term changes. Thread-safe.</summary>
    public Task StateChanged
    {
        get
        {
            lock (_gate)
            {
                return _stateChanged.Task;
            }
        }
    }

    /// <summary>The latest published view of the core, and the bytes of log it holds. Thread-safe.</summary>
    public (RaftStatus Status, long LogBytes) Status
    {
        get
        {
            lock (_gate)
            {
                return (_status, _logBytes);
            }
        }
    }

    /// <summary>
    /// Joins the read round that starts next (creating it when none is waiting). Returns null when the group already has the
    /// maximum number of reads waiting. <paramref name="created"/> tells the caller to wake the event loop.
    /// </summary>
    public ReadRound? JoinNextReadRound(long nowTimestamp, out bool created)
    {
        lock (_gate)
        {
            if (_waitingReaders >= _maxPendingReads)
            {
                created = false;
                return null;
            }

            created = _nextRead is null;
            _nextRead ??= new ReadRound(nowTimestamp);
            _nextRead.AddReader();
            _waitingReaders++;
            return _nextRead;
        }
    }

    /// <summary>Publishes the core's status (after every batch) and signals waiters when the leader, role or term changed.</summary>
    public void PublishStatus()
    {
        RaftStatus status = Node.Status;
        TaskCompletionSource? changed = null;
        lock (_gate)
        {
            if (status.Leader != _status.Leader || status.Role != _status.Role || status.Term != _status.Term)
            {
                changed = _stateChanged;
                _stateChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _status = status;
            Volatile.Write(ref _knownLeader, status.Leader);
        }

        changed?.TrySetResult();
    }

    /// <summary>Registers an accepted proposal; an older waiter at the same index was overwritten and definitely not applied.</summary>
    public void AddWaiter(ulong index, ProposalRequest request)
    {
        if (_waiters.Remove(index, out ProposalRequest? old))
        {
            _completions.Add(old, ProposalOutcome.Retry(DkvErrorCode.Unavailable,
                $"group {GroupId}: the write proposed at index {index} in term {old.Term} was replaced by a newer leader's entry; it was not applied", 0));
        }

        _waiters[index] = request;
    }

    /// <summary>Completes the waiter of <paramref name="entry"/>, if any, with the state machine's answer.</summary>
    public void CompleteWaiter(in LogEntry entry, Core.Stores.WriteResult result)
    {
        if (_waiters.Count == 0 || !_waiters.Remove(entry.Index, out ProposalRequest? request))
        {
            return;
        }

        if (request.Term == entry.Term && result.Index == 0)
        {
            // A duplicate whose first outcome the session table no longer holds (KvStateMachine.Apply): unknown.
            _completions.Add(request, ProposalOutcome.Failed(DkvErrorCode.Timeout,
                $"group {GroupId}: the write at index {entry.Index} repeats an earlier attempt whose outcome is no longer known; it may have been applied"));
            return;
        }

        _completions.Add(request, request.Term == entry.Term
            ? ProposalOutcome.Applied(result)
            : ProposalOutcome.Retry(DkvErrorCode.Unavailable,
                $"group {GroupId}: the write proposed at index {entry.Index} in term {request.Term} lost to term {entry.Term}'s entry after a leader change; it was not applied", 0));
    }

    /// <summary>A snapshot replaced the state through <paramref name="index"/>: waiters at or below it cannot learn their outcome.</summary>
    public void FailWaitersCoveredBy(ulong index)
    {
        foreach (ulong waiting in _waiters.Keys.Where(k => k <= index).ToList())
        {
            _waiters.Remove(waiting, out ProposalRequest? request);
            _completions.Add(request!, ProposalOutcome.Failed(DkvErrorCode.Timeout,
                $"group {GroupId}: a snapshot from the leader replaced this replica's log through index {index} before the write at index {waiting} was seen to apply; it may have been applied"));
        }
    }

    /// <summary>Drops waiters nobody waits for any more (their caller timed out), so a partitioned leader does not grow without bound.</summary>
    public void SweepExpiredWaiters(long nowTimestamp)
    {
        if (_waiters.Count == 0)
        {
            return;
        }

        foreach (ulong index in _waiters.Where(p => p.Value.DeadlineTimestamp <= nowTimestamp).Select(p => p.Key).ToList())
        {
            _waiters.Remove(index, out ProposalRequest? request);
            _completions.Add(request!, ProposalOutcome.Failed(DkvErrorCode.Timeout,
                $"group {GroupId}: the write at index {index} did not apply before the request timeout; it may still be applied"));
        }
    }

    /// <summary>Fails every waiter and read (shutdown or a fatal error).</summary>
    public void FailAll(string reason)
    {
        foreach ((ulong index, ProposalRequest request) in _waiters)
        {
            _completions.Add(request, ProposalOutcome.Failed(DkvErrorCode.Timeout,
                $"group {GroupId}: {reason} before the write at index {index} was seen to apply; it may have been applied"));
        }

        _waiters.Clear();
        var error = new DkvException(DkvErrorCode.Unavailable, $"group {GroupId}: {reason}; the read was not served, retry it on another replica");
        Finish(_outstandingRead, error);
        _outstandingRead = null;
        while (_confirmedReads.TryDequeue(out ReadRound? round))
        {
            Finish(round, error);
        }

        ReadRound? next;
        TaskCompletionSource changed;
        lock (_gate)
        {
            next = _nextRead;
            _nextRead = null;
            changed = _stateChanged;
            _stateChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        Finish(next, error);
        changed.TrySetResult(); // writes waiting for a leader look again and see the node stopped
    }

    /// <summary>Tracks the bytes of log the group holds after a batch persisted <paramref name="entries"/>.</summary>
    public void OnPersisted(ReadOnlySpan<LogEntry> entries, bool replacedLog, ulong lastIndexBefore)
    {
        long bytes = 0;
        foreach (ref readonly LogEntry entry in entries)
        {
            bytes += entry.SizeBytes;
        }

        bool overwrote = !entries.IsEmpty && entries[0].Index <= lastIndexBefore;
        lock (_gate)
        {
            _logBytes = replacedLog || overwrote ? CountLogBytes() : _logBytes + bytes;
        }
    }

    /// <summary>Recounts the bytes of log after a compaction.</summary>
    public void RecountLogBytes()
    {
        long bytes = CountLogBytes();
        lock (_gate)
        {
            _logBytes = bytes;
        }
    }

    public void Dispose() => Engine.Dispose();

    /// <summary>Completes (or fails, when <paramref name="error"/> is set) a round taken out of the join slot.</summary>
    private void Finish(ReadRound? round, Exception? error)
    {
        if (round is null)
        {
            return;
        }

        lock (_gate)
        {
            _waitingReaders -= round.Readers;
        }

        _completions.Add(round, error);
    }

    private long CountLogBytes()
    {
        if (Storage.LastIndex < Storage.FirstIndex)
        {
            return 0;
        }

        long bytes = 0;
        foreach (LogEntry entry in Storage.Entries(Storage.FirstIndex, Storage.LastIndex + 1, long.MaxValue).Span)
        {
            bytes += entry.SizeBytes;
        }

        return bytes;
    }
}
