using DKV.Consensus.Storage;
using DKV.Core.Errors;

namespace DKV.Consensus.Raft;

/// <summary>
/// One member of one Raft group, as a pure state machine in the style of etcd-raft's RawNode: inputs are <see cref="Tick"/>,
/// <see cref="Step"/>, <see cref="Propose"/>, <see cref="ReadIndex"/> and <see cref="TransferLeader"/>; output is a
/// <see cref="Ready"/> batch the caller persists, sends and applies, then acknowledges with <see cref="Advance"/>.
/// </summary>
/// <remarks>
/// <para>No I/O, no threads, no clock, no ambient randomness: the same inputs from the same state give the same outputs.
/// Not thread-safe; the owner calls it from one thread (or under one lock) at a time.</para>
/// <para>Safety invariants are checked in every build: a violation throws <see cref="RaftSafetyException"/> and the node must stop.</para>
/// </remarks>
public sealed partial class RaftNode
{
    private readonly RaftConfig _config;
    private readonly IRandomSource _random;
    private readonly RaftLog _log;
    private readonly ulong[] _voters;
    private readonly Dictionary<ulong, Progress> _progress;
    private readonly Progress[] _peers; // every voter but this node
    private readonly Progress _self;
    private readonly ulong[] _matchBuffer;
    private readonly Dictionary<ulong, bool> _votes = [];
    private List<RaftMessage> _messages = [];
    private List<ReadState> _readStates = [];
    private int _electionElapsed;
    private int _heartbeatElapsed;
    private int _randomizedElectionTimeout;
    private ulong _leadTransferee;
    private long _uncommittedBytes;
    private bool _appendPending;
    private SoftState _previousSoft;
    private HardState _previousHard;
    private Ready? _outstanding;

    /// <summary>
    /// Creates a node from its persisted state in <paramref name="storage"/> (term, vote, commit, log, snapshot). A node with empty
    /// storage starts as a follower in term 0.
    /// </summary>
    /// <exception cref="DkvException">The configuration is invalid (<see cref="DkvErrorCode.InvalidArgument"/>).</exception>
    /// <exception cref="RaftSafetyException">The persisted state is inconsistent (for example commit beyond the log).</exception>
    public RaftNode(RaftConfig config, IRaftLogReader storage, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(random);
        config.Validate();
        _config = config;
        _random = random;
        _log = new RaftLog(storage, config.AppliedIndex);
        _voters = [.. config.Voters];
        _matchBuffer = new ulong[_voters.Length];
        _progress = new Dictionary<ulong, Progress>(_voters.Length);
        foreach (ulong voter in _voters)
        {
            _progress[voter] = new Progress(voter, config.MaxInflightMessages);
        }

        _self = _progress[config.NodeId];
        _peers = [.. _voters.Where(v => v != config.NodeId).Select(v => _progress[v])];
        HardState hard = storage.HardState;
        Term = hard.Term;
        Vote = hard.Vote;
        _previousHard = new HardState(Term, Vote, _log.Committed);
        BecomeFollower(Term, 0);
        _previousSoft = new SoftState(0, RaftRole.Follower);
    }

    /// <summary>This node's id.</summary>
    public ulong Id => _config.NodeId;

    /// <summary>This node's group.</summary>
    public ulong GroupId => _config.GroupId;

    /// <summary>The current term.</summary>
    public ulong Term { get; private set; }

    /// <summary>The vote cast in <see cref="Term"/>, or 0.</summary>
    public ulong Vote { get; private set; }

    /// <summary>The leader this node knows in <see cref="Term"/>, or 0.</summary>
    public ulong LeaderId { get; private set; }

    /// <summary>This node's role.</summary>
    public RaftRole Role { get; private set; }

    /// <summary>The highest index known committed.</summary>
    public ulong CommitIndex => _log.Committed;

    /// <summary>The index through which committed entries were handed out and acknowledged with <see cref="Advance"/>.</summary>
    public ulong AppliedIndex => _log.Applied;

    /// <summary>The last index of this node's log (including entries not yet durable).</summary>
    public ulong LastIndex => _log.LastIndex;

    /// <summary>The voting members (fixed until membership change exists).</summary>
    public IReadOnlyList<ulong> Voters => _voters;

    /// <summary>A snapshot of this node's state.</summary>
    public RaftStatus Status => new(Id, GroupId, Role, LeaderId, Term, Vote, _log.Committed, _log.Applied, _log.FirstIndex, _log.LastIndex, _leadTransferee);

    internal PlantedBugs Bugs => _config.PlantedBugs;

    private int Quorum => (_voters.Length / 2) + 1;

    /// <summary>Advances logical time by one tick: drives election timeouts, heartbeats and check-quorum.</summary>
    public void Tick()
    {
        if (Role == RaftRole.Leader)
        {
            TickLeader();
            return;
        }

        _electionElapsed++;
        if (_electionElapsed >= _randomizedElectionTimeout)
        {
            _electionElapsed = 0;
            Campaign();
        }
    }

    /// <summary>
    /// Proposes <paramref name="data"/> as a new log entry. Only a leader accepts; the entry is appended to its log and replicated
    /// with the next <see cref="Ready"/> together with every other proposal made meanwhile (batching). The caller must not change
    /// the bytes afterwards.
    /// </summary>
    public ProposeResult Propose(ReadOnlyMemory<byte> data)
    {
        if (Role != RaftRole.Leader)
        {
            return new ProposeResult(LeaderId == 0 ? ProposalStatus.NoLeader : ProposalStatus.NotLeader, 0, 0);
        }

        if (_leadTransferee != 0)
        {
            return new ProposeResult(ProposalStatus.TransferInProgress, 0, 0);
        }

        long size = LogEntry.OverheadBytes + data.Length;
        if (_uncommittedBytes > 0 && _uncommittedBytes + size > _config.MaxUncommittedBytes)
        {
            return new ProposeResult(ProposalStatus.Overloaded, 0, 0);
        }

        ulong index = _log.LastIndex + 1;
        AppendOwn(new LogEntry(index, Term, EntryType.Normal, data));
        return new ProposeResult(ProposalStatus.Accepted, index, Term);
    }

    /// <summary>Starts an election now, as if the election timeout had passed (pre-vote first when enabled). Ignored by a leader.</summary>
    public void Campaign() => Campaign(transfer: false);

    /// <summary>
    /// Creates the snapshot to persist after the application captured its state at <paramref name="index"/> (at most the applied
    /// index), and the first index to keep (<see cref="RaftConfig.CompactionTailEntries"/> entries stay behind the snapshot).
    /// Changes nothing in the core: the caller persists the plan into its storage, which the core then reads.
    /// </summary>
    /// <remarks>May be called between <see cref="GetReady"/> and <see cref="Advance"/>, and while a leader's snapshot is being installed
    /// (the plan then refers to the storage as it is, which the incoming snapshot replaces later).</remarks>
    /// <exception cref="DkvException"><paramref name="index"/> is beyond the applied index or already compacted (<see cref="DkvErrorCode.InvalidArgument"/>).</exception>
    public CompactionPlan Compact(ulong index, ReadOnlyMemory<byte> snapshotData)
    {
        if (index > _log.Applied || index == 0)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"cannot snapshot node {Id} at index {index}: it must be between 1 and the applied index {_log.Applied}");
        }

        if (!_log.TryGetStoredTerm(index, out ulong term))
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"cannot snapshot node {Id} at index {index}: it is already compacted (first stored index {_log.StoredFirstIndex})");
        }

        ulong keep = index + 1 > _config.CompactionTailEntries ? index + 1 - _config.CompactionTailEntries : 1;
        var snapshot = new RaftSnapshot(new SnapshotMetadata(index, term, [.. _voters]), snapshotData);
        return new CompactionPlan(snapshot, Math.Max(keep, _log.StoredFirstIndex));
    }

    /// <summary>The transport could not reach <paramref name="to"/>: a leader stops streaming to it and probes instead.</summary>
    public void ReportUnreachable(ulong to)
    {
        if (Role == RaftRole.Leader && to != Id && _progress.TryGetValue(to, out Progress? pr) && pr.State == ProgressState.Replicate)
        {
            pr.BecomeProbe();
        }
    }

    /// <summary>The transport finished (or failed) sending a snapshot to <paramref name="to"/>.</summary>
    public void ReportSnapshot(ulong to, bool succeeded)
    {
        if (Role != RaftRole.Leader || to == Id || !_progress.TryGetValue(to, out Progress? pr) || pr.State != ProgressState.Snapshot)
        {
            return;
        }

        if (succeeded)
        {
            pr.BecomeProbe();
            pr.ProbeSent = true;
        }
        else
        {
            pr.SnapshotFailed();
        }
    }

    private bool IsVoter(ulong id) => _progress.ContainsKey(id);

    private void Send(
        RaftMessageType type,
        ulong to,
        ulong term,
        ulong index = 0,
        ulong logTerm = 0,
        ulong commit = 0,
        bool reject = false,
        ulong rejectHint = 0,
        ulong context = 0,
        ReadOnlyMemory<LogEntry> entries = default,
        RaftSnapshot? snapshot = null,
        bool transfer = false)
    {
        _messages.Add(new RaftMessage
        {
            Type = type,
            GroupId = _config.GroupId,
            From = _config.NodeId,
            To = to,
            Term = term,
            Index = index,
            LogTerm = logTerm,
            Commit = commit,
            Reject = reject,
            RejectHint = rejectHint,
            Context = context,
            Entries = entries,
            Snapshot = snapshot,
            Transfer = transfer,
        });
    }

    private void ResetRandomizedElectionTimeout() =>
        _randomizedElectionTimeout = _config.ElectionTicks + _random.NextInt(_config.ElectionTicks);
}
