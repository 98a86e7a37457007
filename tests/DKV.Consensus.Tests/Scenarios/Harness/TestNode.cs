using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Consensus.Tests.Scenarios.Harness;

/// <summary>One member of a <see cref="TestCluster"/>: a core, its durable storage, and what its state machine applied.</summary>
public sealed class TestNode
{
    internal TestNode(ulong id, RaftConfig config, MemoryRaftStorage storage, ulong seed)
    {
        Id = id;
        Config = config;
        Storage = storage;
        Raft = new RaftNode(config, storage, new SeededRandomSource(seed));
    }

    public ulong Id { get; }

    public RaftConfig Config { get; }

    /// <summary>What survives a crash.</summary>
    public MemoryRaftStorage Storage { get; }

    public RaftNode Raft { get; internal set; }

    public bool IsUp { get; internal set; } = true;

    /// <summary>Entries this node's state machine applied, by index (restored from snapshots as the snapshot's content).</summary>
    public SortedDictionary<ulong, LogEntry> Applied { get; } = [];

    /// <summary>Read states this node received, in order.</summary>
    public List<ReadState> ReadStates { get; } = [];

    public ulong AppliedIndex => Raft.AppliedIndex;

    /// <summary>A ready batch taken but not yet persisted and acknowledged.</summary>
    internal Ready? Pending { get; set; }

    /// <summary>The last persisted commit index and term (survive crashes, as the storage does).</summary>
    public ulong LastCommit { get; internal set; }

    internal ulong LastTerm { get; set; }
}
