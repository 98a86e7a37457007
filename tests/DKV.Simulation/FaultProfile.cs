using System.Globalization;

namespace DKV.Simulation;

/// <summary>
/// The fault rates and tunings of one simulation, drawn per seed (swarm testing, after TigerBeetle's VOPR): each seed explores a
/// different mix, from a calm network to a lossy, partitioned one with crashing nodes and tiny batch limits.
/// </summary>
public sealed record FaultProfile
{
    /// <summary>Milliseconds of simulated time per Raft tick.</summary>
    public int TickMs { get; init; } = 10;

    /// <summary>Raft election timeout in ticks.</summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>Raft heartbeat interval in ticks.</summary>
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>Probability that a Raft message is lost.</summary>
    public double DropRate { get; init; }

    /// <summary>Probability that a Raft message is delivered twice.</summary>
    public double DuplicateRate { get; init; }

    /// <summary>
    /// Probability that a Raft message may overtake earlier ones on its link; otherwise each link delivers in order, as the TCP
    /// peer transport does. Heavy reordering collapses pipelined replication (every out-of-order append is refused and re-probed).
    /// </summary>
    public double ReorderRate { get; init; }

    /// <summary>Minimum one-way delay in ms.</summary>
    public int DelayMinMs { get; init; } = 1;

    /// <summary>Mean of the exponential extra delay in ms (varying delays reorder messages).</summary>
    public double DelayMeanMs { get; init; } = 2;

    /// <summary>Probability per fault tick (one Raft tick) that a partition forms while none is active.</summary>
    public double PartitionRate { get; init; }

    /// <summary>Probability that a new partition isolates the current leader (otherwise a random node or a random split).</summary>
    public double IsolateLeaderRate { get; init; } = 0.3;

    /// <summary>Probability per fault tick that an active partition heals.</summary>
    public double HealRate { get; init; } = 0.05;

    /// <summary>Probability per fault tick that one running node crashes.</summary>
    public double CrashRate { get; init; }

    /// <summary>Probability that a crash picks the current leader rather than a random running node.</summary>
    public double LeaderCrashBias { get; init; } = 0.4;

    /// <summary>Most nodes down at once (crashes beyond it are skipped).</summary>
    public int MaxDown { get; init; }

    /// <summary>Range of the delay before a crashed node restarts, in ms.</summary>
    public int RestartMinMs { get; init; } = 50;

    /// <summary>Range of the delay before a crashed node restarts, in ms.</summary>
    public int RestartMaxMs { get; init; } = 500;

    /// <summary>Probability that a node crashes right after sending a granted vote (before its next batch is synced).</summary>
    public double CrashAfterVoteRate { get; init; }

    /// <summary>Probability that a leader crashes just before sending an append that carries entries (replication cut short).</summary>
    public double CrashBeforeAppendRate { get; init; }

    /// <summary>Time from writing a ready batch to its fsync completing, in ms (a crash in between loses or tears it).</summary>
    public int SyncLatencyMs { get; init; }

    /// <summary>Applied entries between state-machine snapshots (log compaction).</summary>
    public int SnapshotEveryEntries { get; init; } = 100;

    /// <summary>Entries kept behind a snapshot.</summary>
    public int CompactionTailEntries { get; init; } = 20;

    /// <summary>Raft pre-vote on or off (both are safe; the swarm runs both).</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>Raft check-quorum on or off (both are safe; the swarm runs both).</summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>Raft append messages in flight per follower.</summary>
    public int MaxInflightMessages { get; init; } = 64;

    /// <summary>Raft bytes per append message.</summary>
    public int MaxAppendBytes { get; init; } = 64 * 1024;

    /// <summary>Probability that a client sends an operation to a random node instead of the node it last used (a load balancer).</summary>
    public double RandomTargetRate { get; init; } = 0.1;

    /// <summary>
    /// Run the product's storage and state machine: each node on <c>DurableRaftStorage</c> (write-ahead log and snapshot store on a
    /// simulated file system) and the product <c>KvStateMachine</c> over Maple, with clients that retry a timed-out write under
    /// the same session and sequence (at-most-once). Otherwise the simulator's own record disk and model state machine.
    /// </summary>
    public bool ProductionStack { get; init; }

    /// <summary>Concurrent clients.</summary>
    public int Clients { get; init; } = 4;

    /// <summary>Draws a profile for one seed: every rate somewhere between off and harsh.</summary>
    public static FaultProfile Draw(SimRandom random, int nodes)
    {
        ArgumentNullException.ThrowIfNull(random);
        bool calm = random.Chance(0.1);
        return new FaultProfile
        {
            ElectionTicks = random.Between(6, 20),
            HeartbeatTicks = random.Between(1, 2),
            DropRate = calm ? 0 : random.Between(0.0, 0.2),
            DuplicateRate = calm ? 0 : random.Between(0.0, 0.1),
            DelayMinMs = random.Between(0, 3),
            ReorderRate = calm || random.Chance(0.5) ? 0 : random.Between(0.0, 0.2),
            DelayMeanMs = random.Between(0.0, 15.0),
            PartitionRate = calm || nodes == 1 ? 0 : random.Between(0.0, 0.03),
            HealRate = random.Between(0.02, 0.1),
            CrashRate = calm ? 0 : random.Between(0.0, 0.01),
            MaxDown = nodes == 1 ? 1 : random.Between(1, nodes),
            RestartMinMs = 20,
            RestartMaxMs = random.Between(100, 1000),
            SyncLatencyMs = random.Between(0, 5),
            CrashAfterVoteRate = calm ? 0 : random.Between(0.0, 0.05),
            CrashBeforeAppendRate = calm || random.Chance(0.5) ? 0 : random.Between(0.0, 0.05),
            LeaderCrashBias = random.Between(0.1, 0.9),
            IsolateLeaderRate = random.Between(0.0, 0.8),
            PreVote = random.Chance(0.8),
            CheckQuorum = random.Chance(0.8),
            SnapshotEveryEntries = random.Between(5, 150),
            CompactionTailEntries = random.Between(1, 40),
            MaxInflightMessages = random.Chance(0.3) ? 1 : random.Between(2, 64),
            MaxAppendBytes = random.Chance(0.3) ? 1 : random.Between(64, 64 * 1024),
            RandomTargetRate = random.Between(0.0, 0.5),
            Clients = random.Between(1, 8),
            ProductionStack = random.Chance(0.5),
        };
    }

    /// <summary>One line for logs.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"election {ElectionTicks}t heartbeat {HeartbeatTicks}t preVote {PreVote} checkQuorum {CheckQuorum} drop {DropRate:P1} dup {DuplicateRate:P1} delay {DelayMinMs}+{DelayMeanMs:F1}ms reorder {ReorderRate:P1} partition {PartitionRate:P2}/heal {HealRate:P1} (isolate leader {IsolateLeaderRate:P0}) crash {CrashRate:P2} (leader bias {LeaderCrashBias:P0}) crashAfterVote {CrashAfterVoteRate:P1} crashBeforeAppend {CrashBeforeAppendRate:P1} maxDown {MaxDown} sync {SyncLatencyMs}ms snapshot/{SnapshotEveryEntries} tail {CompactionTailEntries} inflight {MaxInflightMessages} appendBytes {MaxAppendBytes} randomTarget {RandomTargetRate:P0} clients {Clients} stack {(ProductionStack ? "production" : "model")}");
}
