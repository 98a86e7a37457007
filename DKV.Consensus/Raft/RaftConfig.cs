using DKV.Core.Errors;

namespace DKV.Consensus.Raft;

/// <summary>
/// Settings of one Raft group member. Validate with <see cref="Validate"/> (the <see cref="RaftNode"/> constructor does);
/// every limit has a checked range. Time is counted in ticks: the caller decides how long a tick is.
/// </summary>
public sealed record RaftConfig
{
    /// <summary>This node's id; non-zero and one of <see cref="Voters"/>.</summary>
    public required ulong NodeId { get; init; }

    /// <summary>The Raft group id carried on every message (many groups can share a node and a transport).</summary>
    public required ulong GroupId { get; init; }

    /// <summary>The voting members, non-zero and distinct. Used when the storage holds no snapshot with a configuration.</summary>
    public required IReadOnlyList<ulong> Voters { get; init; }

    /// <summary>
    /// Base election timeout in ticks. A follower starts an election after a random timeout in [ElectionTicks, 2 × ElectionTicks);
    /// a check-quorum leader steps down after ElectionTicks without hearing from a quorum. Must exceed <see cref="HeartbeatTicks"/>.
    /// </summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>Ticks between leader heartbeats.</summary>
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>The most append messages in flight (sent, not acknowledged) to one follower in replicate state.</summary>
    public int MaxInflightMessages { get; init; } = 256;

    /// <summary>The most entry bytes in one append message (at least one entry is always sent, however large).</summary>
    public long MaxAppendBytes { get; init; } = 1024 * 1024;

    /// <summary>The most bytes of proposed but not yet applied entries the leader holds; further proposals get <see cref="ProposalStatus.Overloaded"/>.</summary>
    public long MaxUncommittedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The most committed-entry bytes handed to the application in one <see cref="Ready"/> (at least one entry).</summary>
    public long MaxApplyBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>The most read-index requests waiting at the leader for confirmation; further ones get <see cref="ProposalStatus.Overloaded"/>.</summary>
    public int MaxPendingReads { get; init; } = 4096;

    /// <summary>Run a pre-vote round before raising the term (thesis section 9.6), so a rejoining node cannot depose a healthy leader.</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>A leader that has not heard from a quorum for <see cref="ElectionTicks"/> steps down; followers ignore votes while their leader is live.</summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>Log entries kept behind a snapshot on compaction, so slightly lagging followers catch up without a snapshot.</summary>
    public ulong CompactionTailEntries { get; init; } = 1000;

    /// <summary>
    /// The index the application has already applied (from its own snapshot or durable state) when restarting; 0 means
    /// "the storage snapshot's index". Committed entries after it are handed out again.
    /// </summary>
    public ulong AppliedIndex { get; init; }

    /// <summary>Test-only switch for known-wrong behaviour; <see cref="PlantedBugs.None"/> everywhere else.</summary>
    internal PlantedBugs PlantedBugs { get; init; }

    /// <summary>Checks every setting and throws <see cref="DkvException"/> (<see cref="DkvErrorCode.InvalidArgument"/>) naming the first bad one.</summary>
    public void Validate()
    {
        Require(NodeId != 0, "NodeId", NodeId, "use a non-zero node id");
        Require(Voters is { Count: > 0 }, "Voters", Voters?.Count ?? 0, "list at least one voter");
        Require(Voters!.All(v => v != 0), "Voters", string.Join(",", Voters!), "voter ids must be non-zero");
        Require(Voters!.Distinct().Count() == Voters!.Count, "Voters", string.Join(",", Voters!), "voter ids must be distinct");
        Require(Voters!.Contains(NodeId), "NodeId", NodeId, $"this node must be one of the voters ({string.Join(",", Voters!)})");
        Require(HeartbeatTicks is >= 1 and <= 1_000_000, "HeartbeatTicks", HeartbeatTicks, "use 1 to 1,000,000");
        Require(ElectionTicks > HeartbeatTicks && ElectionTicks <= 1_000_000, "ElectionTicks", ElectionTicks,
            $"use more than HeartbeatTicks ({HeartbeatTicks}) and at most 1,000,000; ten times HeartbeatTicks is usual");
        Require(MaxInflightMessages is >= 1 and <= 1_000_000, "MaxInflightMessages", MaxInflightMessages, "use 1 to 1,000,000");
        Require(MaxAppendBytes is >= 1 and <= 1L << 32, "MaxAppendBytes", MaxAppendBytes, "use 1 byte to 4 GiB");
        Require(MaxUncommittedBytes >= 1, "MaxUncommittedBytes", MaxUncommittedBytes, "use at least 1 byte");
        Require(MaxApplyBytes >= 1, "MaxApplyBytes", MaxApplyBytes, "use at least 1 byte");
        Require(MaxPendingReads is >= 1 and <= 10_000_000, "MaxPendingReads", MaxPendingReads, "use 1 to 10,000,000");
    }

    private static void Require(bool condition, string name, object value, string fix)
    {
        if (!condition)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"Raft setting {name} = {value} is invalid: {fix}");
        }
    }
}
