using DKV.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.Core.Consensus;

/// <summary>What the host tells the consensus implementation when it starts this node. Validated by the implementation.</summary>
public sealed record ConsensusNodeOptions
{
    /// <summary>This replica's name (<c>--replica-id</c>); must be one of <see cref="Members"/>.</summary>
    public required string ReplicaName { get; init; }

    /// <summary>Every replica of the cluster, this one included (<c>--cluster-members</c>).</summary>
    public required IReadOnlyList<ClusterMember> Members { get; init; }

    /// <summary>Where the write-ahead log and snapshots live (<c>--data-dir</c>); created when missing.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The groups this node hosts: one per <c>dstore</c> shard id (a <c>lockmgr(dstore)</c> shard is a group too).</summary>
    public required IReadOnlyList<ulong> GroupIds { get; init; }

    /// <summary>Creates the engine each group applies its log into.</summary>
    public required IEngineFactory Engines { get; init; }

    /// <summary>One round trip between nodes (<c>--rtt-millisecond</c>): the tick of every group.</summary>
    public TimeSpan Rtt { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Election timeout in ticks (<c>--election-rtt-factor</c>).</summary>
    public int ElectionRttFactor { get; init; } = 10;

    /// <summary>Heartbeat interval in ticks (<c>--heartbeat-rtt-factor</c>).</summary>
    public int HeartbeatRttFactor { get; init; } = 2;

    /// <summary>Take a snapshot after this many applied entries; 0 disables automatic snapshots (<c>--snapshot-entries</c>).</summary>
    public ulong SnapshotEntries { get; init; } = 100_000;

    /// <summary>Entries kept behind a snapshot for slow followers (<c>--compaction-overhead</c>).</summary>
    public ulong CompactionOverhead { get; init; } = 5_000;

    /// <summary>How long a proposal or a read may wait before failing with a timeout (<c>--timeout</c>).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Implementation settings from <c>--plugin-setting raft.name=value</c> (names without the prefix).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The clock for ticks, deadlines and the timestamps a leader stamps into entries.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the node logs.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
