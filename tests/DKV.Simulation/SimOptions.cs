using DKV.Consensus.Raft;

namespace DKV.Simulation;

/// <summary>What one simulation runs: everything else follows from <see cref="Seed"/>.</summary>
public sealed record SimOptions
{
    /// <summary>The seed; the same seed and options give the same run, event for event.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Cluster size: 1, 3 or 5.</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>Client operations to issue (each ends returned, unknown or dropped).</summary>
    public int Operations { get; init; } = 500;

    /// <summary>Fault profile; null draws one from the seed.</summary>
    public FaultProfile? Profile { get; init; }

    /// <summary>Forces the storage and state-machine stack (see <see cref="FaultProfile.ProductionStack"/>); null keeps the profile's.</summary>
    public bool? ProductionStack { get; init; }

    /// <summary>Tests only: the product state machine ignores client sessions (retried writes apply again), a planted bug.</summary>
    public bool PlantSessionBug { get; init; }

    /// <summary>Changes each node's Raft configuration (tests plant bugs through it); null leaves it as built.</summary>
    public Func<RaftConfig, RaftConfig>? ConfigureNode { get; init; }

    /// <summary>Simulated time allowed for the client phase, in ms; running out is a liveness failure.</summary>
    public long MaxClientPhaseMs { get; init; } = 20 * 60 * 1000;

    /// <summary>Simulated time allowed after faults stop for every node to converge, in ms.</summary>
    public long ConvergenceMs { get; init; } = 60 * 1000;

    /// <summary>Keys in use at once (each retires after a bounded number of operations); 0 means 4.</summary>
    public int Keys { get; init; }

    /// <summary>Throws when a setting is out of range, naming it and the fix.</summary>
    public void Validate()
    {
        if (Nodes is not (1 or 3 or 5))
        {
            throw new ArgumentOutOfRangeException(nameof(Nodes), Nodes, "the simulator runs clusters of 1, 3 or 5 nodes");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Operations, 1, nameof(Operations));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Operations, 1_000_000, nameof(Operations));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxClientPhaseMs, 1000, nameof(MaxClientPhaseMs));
        ArgumentOutOfRangeException.ThrowIfLessThan(ConvergenceMs, 1000, nameof(ConvergenceMs));
        ArgumentOutOfRangeException.ThrowIfNegative(Keys, nameof(Keys));
    }
}
