using DKV.Consensus.Raft;
using DKV.Consensus.StateMachine;
using DKV.Consensus.Storage;
using DKV.Core.Stores;
using DKV.Testing.Linearizability.Models;

namespace DKV.Simulation;

/// <summary>
/// One simulated server: the real Raft core, a simulated disk, the key-value state machine, and a node loop that for each ready
/// batch writes the hard state and entries to disk, waits for the fsync, then sends messages, applies committed entries, serves
/// reads and advances. A crash loses what was not synced; a restart rebuilds the core from what was.
/// With <see cref="FaultProfile.ProductionStack"/> the disk is the product's write-ahead log and snapshot store on a simulated
/// file system and the state machine is the product's (with client sessions) over the Maple engine.
/// </summary>
internal sealed class SimNode
{
    private readonly SimContext _context;
    private readonly SimNetwork _network;
    private readonly SafetyMonitor _monitor;
    private readonly SimRandom _random;
    private readonly RaftConfig _config;
    private readonly ISimNodeStorage _disk;
    private readonly Dictionary<ulong, (ulong Term, ClientRequest Request)> _pendingWrites = [];
    private readonly Dictionary<ulong, ClientRequest> _pendingReads = [];
    private readonly List<(ulong Index, ClientRequest Request)> _confirmedReads = [];
    private RaftNode? _raft;
    private Ready? _syncing;
    private ulong _readCounter;
    private ulong _lastCommit;
    private ulong _lastTerm;
    private ulong _lastSnapshotIndex;

    public SimNode(int id, RaftConfig config, SimContext context, SimNetwork network, SafetyMonitor monitor, SimRandom random)
    {
        Id = id;
        _config = config;
        _context = context;
        _network = network;
        _monitor = monitor;
        _random = random;
        _disk = context.Profile.ProductionStack ? new WalNodeStorage(random.NextUInt64()) : new SimDiskStorage();
        StateMachine = NewStateMachine();
    }

    /// <summary>
    /// The session bounds of the product state machine in the simulator: few results per session, so that bound is exercised;
    /// more sessions than clients, because a dropped session forgets its outcomes (documented on <c>KvStateMachine.Apply</c>).
    /// </summary>
    public static KvSessionOptions SessionOptions { get; } = new() { MaxResultsPerSession = 4, MaxSessions = 16 };

    /// <summary>The simulator's epoch: simulated time 0 as UTC ticks (the leader timestamp of an entry proposed at Now).</summary>
    public static long EpochUtcTicks { get; } = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    public int Id { get; }

    public bool IsUp { get; private set; }

    /// <summary>Starts at 0 and grows at every start and crash, so events of an earlier life are ignored.</summary>
    public long Incarnation { get; private set; }

    public RaftNode Raft => _raft ?? throw new InvalidOperationException($"node {Id} is down");

    public IRaftLogReader Storage => _disk.Reader;

    public ISimStateMachine StateMachine { get; private set; }

    private long NowUtcTicks => EpochUtcTicks + (_context.Now * TimeSpan.TicksPerMillisecond);

    public bool IsSyncing => _syncing is not null;

    public int Crashes { get; private set; }

    /// <summary>Set when this node just sent a granted vote and the fault profile chose to crash it now.</summary>
    public bool CrashRequested { get; set; }

    /// <summary>Set when the stored log changed since the simulator last compared it with the other logs.</summary>
    public bool LogChanged { get; set; }

    /// <summary>Boots from what the disk holds: the snapshot restores the state machine, the core replays committed entries after it.</summary>
    public void Start()
    {
        ulong repaired = _disk.Recover();
        if (repaired != 0)
        {
            _context.Trace.Add(0x7EA2UL ^ repaired);
        }

        StateMachine.Dispose();
        StateMachine = NewStateMachine();
        if (_disk.Reader.Snapshot is { } snapshot)
        {
            StateMachine.Load(snapshot.Data, snapshot.Metadata.Index);
        }

        _lastSnapshotIndex = StateMachine.AppliedIndex;
        _raft = new RaftNode(_config, _disk.Reader, new SeededRandomSource(_random.NextUInt64()));
        _lastCommit = _raft.CommitIndex;
        _lastTerm = _raft.Term;
        IsUp = true;
        Incarnation++;
        _context.Schedule(_context.Now + _random.Next(_context.Profile.TickMs) + 1, new SimEvent(SimEventKind.NodeTick, Id, Incarnation, 0, null));
    }

    /// <summary>Stops the node: unsynced writes are lost (a prefix may survive, the next record torn); in-flight requests vanish.</summary>
    public int Crash()
    {
        int lost = _disk.Crash(_random, _syncing);
        IsUp = false;
        Incarnation++;
        Crashes++;
        _raft = null;
        _syncing = null;
        _pendingWrites.Clear();
        _pendingReads.Clear();
        _confirmedReads.Clear();
        return lost;
    }

    public void OnTick(long incarnation)
    {
        if (incarnation != Incarnation || !IsUp)
        {
            return;
        }

        Raft.Tick();
        _context.Schedule(_context.Now + _context.Profile.TickMs, new SimEvent(SimEventKind.NodeTick, Id, Incarnation, 0, null));
        Pump();
    }

    public void OnMessage(RaftMessage message)
    {
        Raft.Step(message);
        Pump();
    }

    public void OnSyncDone(long incarnation)
    {
        if (incarnation != Incarnation || _syncing is null)
        {
            return;
        }

        Ready ready = _syncing;
        _syncing = null;
        Complete(ready);
        Pump();
    }

    /// <summary>Within one life, term and commit never move back.</summary>
    public void CheckMonotone(SafetyMonitor monitor)
    {
        RaftNode raft = Raft;
        if (raft.CommitIndex < _lastCommit)
        {
            monitor.Fail($"commit index moved back on node {Id}: {_lastCommit} -> {raft.CommitIndex}");
        }

        if (raft.Term < _lastTerm)
        {
            monitor.Fail($"term moved back on node {Id}: {_lastTerm} -> {raft.Term}");
        }

        _lastCommit = raft.CommitIndex;
        _lastTerm = raft.Term;
    }

    public void OnClientRequest(ClientRequest request)
    {
        RaftNode raft = Raft;
        if (request.Input.IsRead)
        {
            ulong context = ((ulong)Incarnation << 32) | ++_readCounter;
            if (raft.ReadIndex(context) == ProposalStatus.Accepted)
            {
                _pendingReads[context] = request;
            }
            else
            {
                Redirect(request);
            }
        }
        else
        {
            // A follower refuses (NotLeader/NoLeader) without taking the entry: the client is redirected, nothing was applied.
            ProposeResult result = raft.Propose(StateMachine.Encode(request, NowUtcTicks));
            if (result.IsAccepted)
            {
                _pendingWrites[result.Index] = (result.Term, request);
            }
            else
            {
                Redirect(request);
            }
        }

        Pump();
    }

    private void Pump()
    {
        while (_syncing is null && _raft is not null && _raft.HasReady)
        {
            Ready ready = _raft.GetReady();
            bool wrote = WriteToDisk(ready);
            if (wrote && ready.MustSync && _context.Profile.SyncLatencyMs > 0)
            {
                _syncing = ready;
                _context.Schedule(_context.Now + _context.Profile.SyncLatencyMs, new SimEvent(SimEventKind.SyncDone, Id, Incarnation, 0, null));
                return;
            }

            Complete(ready);
        }
    }

    private bool WriteToDisk(Ready ready) => _disk.Write(ready);

    private void Complete(Ready ready)
    {
        _disk.Complete(ready);
        _monitor.OnPersisted(Id, ready.Entries.Span);
        LogChanged |= !ready.Entries.IsEmpty || ready.Snapshot is not null;
        if (!ready.Entries.IsEmpty)
        {
            RefuseOverwrittenProposals();
        }
        foreach (RaftMessage message in ready.Messages)
        {
            // A crash chosen here stops the node mid-send: this append and every later message of the batch are lost.
            CrashRequested |= _context.FaultsOn && CrashBeforeSending(message);
            if (CrashRequested)
            {
                break;
            }

            _network.SendRaft(message);
            CrashRequested |= _context.FaultsOn && CrashAfterSending(message);
        }

        if (ready.Snapshot is { } snapshot)
        {
            RestoreSnapshot(snapshot);
        }

        Apply(ready.CommittedEntries.Span);
        foreach (ReadState read in ready.ReadStates)
        {
            if (_pendingReads.Remove(read.Context, out ClientRequest? request))
            {
                _confirmedReads.Add((read.Index, request));
            }
        }

        Raft.Advance(ready);
        ServeReads();
        MaybeCompact();
    }

    private bool CrashAfterSending(RaftMessage message) =>
        message.Type == RaftMessageType.VoteResponse && !message.Reject && _random.Chance(_context.Profile.CrashAfterVoteRate);

    private bool CrashBeforeSending(RaftMessage message) =>
        message.Type == RaftMessageType.Append && !message.Entries.IsEmpty && _random.Chance(_context.Profile.CrashBeforeAppendRate);

    private void Redirect(ClientRequest request)
    {
        int hint = _raft is { LeaderId: not 0 } raft && raft.LeaderId != (ulong)Id ? (int)raft.LeaderId : 0;
        Respond(request, new ClientResponse(request.RequestId, true, hint, default, 0, 0));
    }

    private void Respond(ClientRequest request, ClientResponse response)
    {
        if (!CrashRequested)
        {
            _network.SendClient(Id, request.Client, response);
        }
    }

    private void RestoreSnapshot(RaftSnapshot snapshot)
    {
        ulong index = snapshot.Metadata.Index;
        if (index <= StateMachine.AppliedIndex)
        {
            _monitor.Fail($"node {Id} was handed a snapshot at index {index}, not newer than its applied index {StateMachine.AppliedIndex}");
        }

        StateMachine.Load(snapshot.Data, index);
        _lastSnapshotIndex = index;

        // Writes proposed here and covered by the snapshot may or may not be in it: their clients time out (unknown outcome).
        foreach (ulong pending in _pendingWrites.Keys.Where(k => k <= index).ToList())
        {
            _pendingWrites.Remove(pending);
        }
    }

    /// <summary>
    /// A proposal whose entry was replaced in this log by a leader of a later term can never commit (leader completeness):
    /// tell its client at once (definitely not applied) instead of letting it time out as unknown.
    /// </summary>
    private void RefuseOverwrittenProposals()
    {
        List<ulong>? refused = null;
        foreach ((ulong index, (ulong term, _)) in _pendingWrites)
        {
            if (_disk.Reader.TryGetTerm(index, out ulong stored) && stored != term)
            {
                (refused ??= []).Add(index);
            }
        }

        foreach (ulong index in refused ?? [])
        {
            _pendingWrites.Remove(index, out var pending);
            Respond(pending.Request, new ClientResponse(pending.Request.RequestId, true, 0, default, 0, 0));
        }
    }

    private void Apply(ReadOnlySpan<LogEntry> entries)
    {
        foreach (ref readonly LogEntry entry in entries)
        {
            if (entry.Index != StateMachine.AppliedIndex + 1)
            {
                _monitor.Fail($"node {Id} was handed committed entry {entry.Index} after applying {StateMachine.AppliedIndex} (gap or repeat)");
            }

            _monitor.OnApplied(Id, entry, StateMachine.Identity(entry.Data.Span));
            WriteResult result = StateMachine.Apply(entry);
            if (result.Index != 0 && result.Index != entry.Index)
            {
                _context.Deduplicated++;
            }
            if (_pendingWrites.Remove(entry.Index, out var pending))
            {
                RespondApplied(pending.Request, pending.Term == entry.Term, entry, result);
            }
        }
    }

    /// <summary>
    /// Answers the client whose proposal sat at <paramref name="entry"/>'s index. Another entry there: definitely not applied
    /// (redirect). Index 0 from a session write: its outcome is no longer known, so no answer (the client times out or retries).
    /// A duplicate of an earlier copy answers with the first copy's outcome and index, whose term this node may not know (0).
    /// </summary>
    private void RespondApplied(ClientRequest request, bool ours, in LogEntry entry, WriteResult result)
    {
        if (!ours)
        {
            Respond(request, new ClientResponse(request.RequestId, true, 0, default, 0, 0));
        }
        else if (result.Index != 0)
        {
            ulong term = result.Index == entry.Index ? entry.Term : 0;
            Respond(request, new ClientResponse(request.RequestId, false, 0, KvOutput.Done(result.Applied), result.Index, term));
        }
    }

    private void ServeReads()
    {
        for (int i = 0; i < _confirmedReads.Count; i++)
        {
            (ulong index, ClientRequest request) = _confirmedReads[i];
            if (index > StateMachine.AppliedIndex)
            {
                continue;
            }

            string? value = StateMachine.Get(request.Input.Key, NowUtcTicks);
            Respond(request, new ClientResponse(request.RequestId, false, 0, value is null ? KvOutput.NotFound : KvOutput.Found(value), index, 0));
            _confirmedReads.RemoveAt(i--);
        }
    }

    private ISimStateMachine NewStateMachine() =>
        _context.Profile.ProductionStack ? new ProductionStateMachine(SessionOptions, _context.PlantSessionBug) : new KvStateMachine();

    private void MaybeCompact()
    {
        ulong applied = StateMachine.AppliedIndex;
        if (applied < _lastSnapshotIndex + (ulong)_context.Profile.SnapshotEveryEntries || _syncing is not null || !_disk.CanCompact)
        {
            return;
        }

        CompactionPlan plan = Raft.Compact(applied, StateMachine.Save());
        _disk.Compact(plan);
        _lastSnapshotIndex = applied;
    }
}
