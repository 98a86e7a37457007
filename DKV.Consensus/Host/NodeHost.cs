using System.Threading.Channels;
using DKV.Consensus.Peers;
using DKV.Consensus.Raft;
using DKV.Consensus.StateMachine;
using DKV.Consensus.Storage;
using DKV.Core.Consensus;
using DKV.Core.Errors;
using DKV.Core.Stores;
using Microsoft.Extensions.Logging;

namespace DKV.Consensus.Host;

/// <summary>
/// This process's member of the cluster (<see cref="IConsensusNode"/>): every Raft group it hosts, the write-ahead log and
/// snapshot store they share, the peer network, the tick timer and one event loop that drives them all.
/// </summary>
/// <remarks>
/// <para>Written against <see cref="IWalFileSystem"/>, <see cref="TimeProvider"/> and <see cref="IPeerNetwork"/> so tests and the
/// simulator can run it; production builds it through <see cref="RaftConsensusFactory"/>.</para>
/// <para>Thread-safe. The cores, storages, waiters and state machines are touched only by the event loop; other threads talk
/// to it through two bounded queues (proposals; peer input) and a doorbell, and read published status.</para>
/// </remarks>
internal sealed partial class NodeHost : IConsensusNode, IPeerHandler
{
    private const int MaxDrainPerIteration = 4096;

    private readonly ConsensusNodeOptions _options;
    private readonly NodeHostSettings _settings;
    private readonly TimeProvider _time;
    private readonly MonotonicUtcClock _readClock;
    private readonly WriteAheadLog _wal;
    private readonly IPeerNetwork _network;
    private readonly ILogger _logger;
    private readonly Dictionary<ulong, RaftGroup> _groups = [];
    private readonly RaftGroup[] _groupList;
    private readonly Dictionary<ulong, DStore> _stores = [];
    private readonly Dictionary<ulong, string> _memberNames = [];
    private readonly Channel<ProposalRequest> _proposals;
    private readonly Channel<PeerInput> _peerInputs;
    // Set by every producer; reset by the loop before it looks at its inputs, so no wake-up is lost.
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly CompletionBatch _completions = new();
    private readonly long _holdTicks;
    // Queued proposals that end a hold at once: a batch this large already amortises its sync well (and the queue must never
    // fill while the loop holds it).
    private readonly int _holdReleaseCount;
    private volatile bool _holdingProposals;
    private long _holdUntil;
    private readonly ulong _contextBase;
    private ulong _contextCounter;
    private long _pendingTicks;
    private long _tickCount;
    private ITimer? _timer;
    private readonly TaskCompletionSource _loopExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _loopThread;
    private int _disposed;
    private readonly TaskCompletionSource<string> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _failure;

    internal NodeHost(
        ConsensusNodeOptions options,
        NodeHostSettings settings,
        WriteAheadLog wal,
        SnapshotStore snapshots,
        IPeerNetwork network,
        ulong clientId,
        ulong randomSeed)
    {
        _options = options;
        _settings = settings;
        _time = options.Time;
        _readClock = new MonotonicUtcClock(options.Time);
        _wal = wal;
        _network = network;
        _logger = options.LoggerFactory.CreateLogger("DKV.Consensus.Raft");
        _holdTicks = (long)(settings.MaxBatchDelay.TotalSeconds * options.Time.TimestampFrequency);
        _holdReleaseCount = Math.Clamp(settings.MaxQueuedProposals / 2, 1, 256);
        ClientId = clientId;
        _contextBase = randomSeed;
        foreach (ClusterMember member in options.Members)
        {
            _memberNames[member.Id] = member.Name;
        }

        ReplicaId = options.Members.First(m => m.Name == options.ReplicaName).Id;
        _proposals = Channel.CreateBounded<ProposalRequest>(new BoundedChannelOptions(settings.MaxQueuedProposals)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _peerInputs = Channel.CreateBounded<PeerInput>(new BoundedChannelOptions(settings.MaxQueuedPeerMessages)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        ulong[] voters = [.. options.Members.Select(m => m.Id)];
        var random = new SeededRandomSource(randomSeed ^ ReplicaId);
        try
        {
            foreach (ulong groupId in options.GroupIds)
            {
                RaftGroup group = CreateGroup(groupId, voters, snapshots, random.NextUInt64());
                _groups[groupId] = group;
                _stores[groupId] = new DStore(this, group);
            }
        }
        catch
        {
            foreach (RaftGroup group in _groups.Values)
            {
                group.Dispose();
            }

            throw;
        }

        _groupList = [.. _groups.Values];
    }

    /// <inheritdoc/>
    public ulong ReplicaId { get; }

    /// <summary>What the event loop did so far (written by the loop only; read racily for diagnostics).</summary>
    internal HostCounters Counters { get; } = new();

    /// <summary>This process's client session id for writes (random per start).</summary>
    internal ulong ClientId { get; }

    internal TimeProvider Time => _time;

    internal TimeSpan RequestTimeout => _options.RequestTimeout;

    internal int MaxCommandBytes => _settings.MaxCommandBytes;

    /// <inheritdoc/>
    public IStore GetStore(ulong groupId) => _stores.TryGetValue(groupId, out DStore? store) ? store : throw UnknownGroup(groupId);

    /// <inheritdoc/>
    public ReplicaStatus GetStatus(ulong groupId)
    {
        RaftGroup group = _groups.TryGetValue(groupId, out RaftGroup? g) ? g : throw UnknownGroup(groupId);
        (RaftStatus status, long logBytes) = group.Status;
        string? leader = status.Leader == 0 ? null : NameOf(status.Leader);
        return new ReplicaStatus(groupId, _options.ReplicaName, RoleName(status.Role), status.Term, leader, status.Commit,
            group.StateMachine.AppliedIndex, status.FirstIndex, status.LastIndex, logBytes);
    }

    /// <summary>The group <paramref name="groupId"/> (tests and diagnostics).</summary>
    internal RaftGroup GroupOf(ulong groupId) => _groups.TryGetValue(groupId, out RaftGroup? g) ? g : throw UnknownGroup(groupId);

    /// <summary>Starts the peer network, the tick timer and the event loop.</summary>
    internal async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        await _network.StartAsync(this, cancellationToken).ConfigureAwait(false);
        _loopThread = new Thread(RunLoop) { IsBackground = true, Name = $"raft-loop-{_options.ReplicaName}" };
        _loopThread.Start();
        _timer = _time.CreateTimer(static state => ((NodeHost)state!).OnTick(), this, _options.Rtt, _options.Rtt);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        _failure ??= "the node is stopping";
        _proposals.Writer.TryComplete();
        _stop.Cancel();
        if (_loopThread is not null)
        {
            await _loopExited.Task.ConfigureAwait(false);
        }
        await _network.DisposeAsync().ConfigureAwait(false);
        try
        {
            _wal.Sync();
        }
        catch (DkvException ex)
        {
            Log.FlushOnStopFailed(_logger, _options.ReplicaName, ex.Message);
        }

        _wal.Dispose();
        foreach (RaftGroup group in _groupList)
        {
            group.Dispose();
        }

        _stop.Dispose();

        // _wake is not disposed: a late reader may still ring it, and an event that never blocked holds no handle.
        Log.NodeStopped(_logger, _options.ReplicaName);
    }

    /// <summary>
    /// Queues one attempt at proposing <paramref name="command"/> and returns its outcome. Fails at once with Unavailable when the
    /// queue is full (back-pressure) or the node is stopping.
    /// </summary>
    internal Task<ProposalOutcome> ProposeOnceAsync(ulong groupId, byte[] command, long deadlineTimestamp)
    {
        var request = new ProposalRequest(groupId, command, forwarded: false, deadlineTimestamp);
        if (!Enqueue(request))
        {
            return Task.FromResult(RefusedAtQueue(groupId));
        }

        return request.Completion;
    }

    /// <summary>Wakes the event loop (something was queued for it).</summary>
    internal void Ring()
    {
        if (!_wake.IsSet)
        {
            _wake.Set();
        }
    }

    /// <summary>The clock reads judge deadlines by: UTC ticks that never move backwards. Thread-safe.</summary>
    internal long ReadClockUtcTicks() => _readClock.NowUtcTicks();

    /// <summary>Why requests fail once the node stopped, or null while it runs.</summary>
    internal string? Failure => _failure;

    /// <inheritdoc/>
    public Task<string> Failed => _failed.Task;

    internal string NameOf(ulong replicaId) => _memberNames.TryGetValue(replicaId, out string? name) ? name : replicaId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static string RoleName(RaftRole role) => role switch
    {
        RaftRole.Leader => "leader",
        RaftRole.Candidate => "candidate",
        RaftRole.PreCandidate => "pre-candidate",
        _ => "follower",
    };

    private bool Enqueue(ProposalRequest request)
    {
        request.QueuedTimestamp = _time.GetTimestamp();
        if (!_proposals.Writer.TryWrite(request))
        {
            return false;
        }

        // While the loop holds proposals for a larger batch, only a full batch needs to wake it (see ShouldHoldProposals).
        if (!_holdingProposals || _proposals.Reader.Count >= _holdReleaseCount)
        {
            Ring();
        }

        return true;
    }

    private ProposalOutcome RefusedAtQueue(ulong groupId) => ProposalOutcome.Failed(DkvErrorCode.Unavailable, _failure is { } failure
        ? $"group {groupId} on replica {_options.ReplicaName}: {failure}; the write was not applied, retry on another replica"
        : $"group {groupId} on replica {_options.ReplicaName}: {_settings.MaxQueuedProposals} proposals are already queued; the write was not applied, retry after a short back-off or raise raft.{NodeHostSettings.MaxQueuedProposalsName}");

    private void OnTick()
    {
        Interlocked.Increment(ref _pendingTicks);
        Ring();
    }

    private ulong NextReadContext() => _contextBase ^ ++_contextCounter;

    private RaftGroup CreateGroup(ulong groupId, ulong[] voters, SnapshotStore snapshots, ulong seed)
    {
        var storage = DurableRaftStorage.Restore(groupId, _wal, snapshots);
        var engine = _options.Engines.Create();
        try
        {
            var stateMachine = new KvStateMachine(engine);
            if (storage.Snapshot is { } snapshot)
            {
                RestoreStateMachine(groupId, stateMachine, snapshot);
            }

            var config = new RaftConfig
            {
                NodeId = ReplicaId,
                GroupId = groupId,
                Voters = voters,
                ElectionTicks = _options.ElectionRttFactor,
                HeartbeatTicks = _options.HeartbeatRttFactor,
                CompactionTailEntries = _options.CompactionOverhead,
                MaxUncommittedBytes = _settings.MaxUncommittedBytes,
                AppliedIndex = stateMachine.AppliedIndex,
            };
            var node = new RaftNode(config, storage, new SeededRandomSource(seed));
            return new RaftGroup(groupId, node, storage, engine, stateMachine, _settings.MaxPendingReads, _completions);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    private static void RestoreStateMachine(ulong groupId, KvStateMachine stateMachine, RaftSnapshot snapshot)
    {
        using var stream = new MemoryStream(snapshot.Data.ToArray(), writable: false);
        ulong index = stateMachine.RestoreSnapshot(stream);
        if (index != snapshot.Metadata.Index)
        {
            throw new DkvException(DkvErrorCode.Corrupt,
                $"group {groupId}: the snapshot at log index {snapshot.Metadata.Index} holds a state machine image of index {index}; restore this node from a replica");
        }
    }

    private static DkvException UnknownGroup(ulong groupId) =>
        new(DkvErrorCode.UnknownShard, $"group {groupId} is not hosted by this node; configure a dstore shard with id {groupId}");
}
