using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Benchmarks.Consensus;

/// <summary>
/// Three Raft cores wired directly: ready batches persisted to memory, messages stepped into the target at once, no delays.
/// Measures the core alone (no simulator, no I/O).
/// </summary>
public sealed class InMemoryRaftCluster
{
    private readonly RaftNode[] _nodes;
    private readonly MemoryRaftStorage[] _storages;
    private readonly Queue<RaftMessage> _wire = new();
    private long _applied;

    public InMemoryRaftCluster(int size, int maxInflightMessages, long maxAppendBytes)
    {
        ulong[] voters = [.. Enumerable.Range(1, size).Select(i => (ulong)i)];
        _storages = [.. voters.Select(_ => new MemoryRaftStorage())];
        _nodes = [.. voters.Select(id => new RaftNode(
            new RaftConfig
            {
                NodeId = id,
                GroupId = 1,
                Voters = voters,
                MaxInflightMessages = maxInflightMessages,
                MaxAppendBytes = maxAppendBytes,
                CompactionTailEntries = 1024,
            },
            _storages[id - 1],
            new SeededRandomSource(id)))];
        Leader.Campaign();
        Pump();
        if (Leader.Role != RaftRole.Leader)
        {
            throw new InvalidOperationException("node 1 did not become leader");
        }
    }

    public RaftNode Leader => _nodes[0];

    /// <summary>Entries applied on the leader so far (its state machine's view).</summary>
    public long Applied => _applied;

    /// <summary>Runs ready batches and deliveries until the cluster is quiet.</summary>
    public void Pump()
    {
        bool busy = true;
        while (busy)
        {
            busy = false;
            for (int i = 0; i < _nodes.Length; i++)
            {
                RaftNode node = _nodes[i];
                if (!node.HasReady)
                {
                    continue;
                }

                busy = true;
                Ready ready = node.GetReady();
                _storages[i].Persist(ready);
                foreach (RaftMessage m in ready.Messages)
                {
                    _wire.Enqueue(m);
                }

                if (i == 0)
                {
                    _applied += ready.CommittedEntries.Length;
                }

                node.Advance(ready);
            }

            while (_wire.TryDequeue(out RaftMessage? m))
            {
                busy = true;
                _nodes[m.To - 1].Step(m);
            }
        }
    }

    /// <summary>Snapshots and compacts every node at its applied index, so memory stays bounded over long runs.</summary>
    public void Compact()
    {
        for (int i = 0; i < _nodes.Length; i++)
        {
            if (_nodes[i].AppliedIndex > 0)
            {
                _storages[i].Compact(_nodes[i].Compact(_nodes[i].AppliedIndex, ReadOnlyMemory<byte>.Empty));
            }
        }
    }
}
