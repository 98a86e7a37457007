namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>How a <see cref="ClusterHarness"/> starts its nodes.</summary>
internal sealed record ClusterOptions
{
    /// <summary>The replicated store shard.</summary>
    public const ulong StoreShard = 100;

    /// <summary>The lock shard on top of the replicated store.</summary>
    public const ulong LockShard = 200;

    /// <summary>Members (1 to 9).</summary>
    public int NodeCount { get; init; } = 3;

    /// <summary>The <c>--shards</c> value.</summary>
    public string Shards { get; init; } = $"{StoreShard}=dstore,{LockShard}=lockmgr(dstore)";

    /// <summary><c>--rtt-millisecond</c>: the tick; elections take about ten ticks.</summary>
    public int RttMilliseconds { get; init; } = 20;

    /// <summary><c>--snapshot-entries</c>; null keeps dkv's default.</summary>
    public int? SnapshotEntries { get; init; }

    /// <summary><c>--compaction-overhead</c>; null keeps dkv's default.</summary>
    public int? CompactionOverhead { get; init; }

    /// <summary>
    /// Route peer traffic through a <see cref="TcpProxy"/> per ordered pair of nodes so that the test can cut links
    /// (<see cref="ClusterHarness.Isolate"/>). Node i's <c>--cluster-members</c> then names its own address and a proxy for every other node.
    /// </summary>
    public bool UseProxies { get; init; } = true;

    /// <summary>More <c>dkv serve</c> arguments, appended to every node's command line.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>How long <see cref="ClusterHarness.WaitForLeaderAsync"/> waits by default.</summary>
    public TimeSpan LeaderDeadline { get; init; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(NodeCount, 1, nameof(NodeCount));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(NodeCount, 9, nameof(NodeCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(RttMilliseconds, 1, nameof(RttMilliseconds));
        ArgumentException.ThrowIfNullOrWhiteSpace(Shards, nameof(Shards));
        if (LeaderDeadline <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(LeaderDeadline), LeaderDeadline, "ClusterOptions.LeaderDeadline must be positive");
        }
    }
}
