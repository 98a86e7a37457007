using BenchmarkDotNet.Attributes;
using DKV.Consensus.Raft;

namespace DKV.Benchmarks.Consensus;

/// <summary>
/// Committed proposals per second of the Raft core: a 3-node in-memory cluster, 128-byte entries, proposals batched per round.
/// One operation = one proposal committed on a quorum and applied on the leader. Throughput = 1 / (time per operation).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class RaftCoreThroughputBenchmarks
{
    private const int ProposalsPerInvoke = 200_000;
    private readonly byte[] _payload = new byte[128];
    private InMemoryRaftCluster _cluster = null!;

    /// <summary>Proposals made before each ready round (the batch an append carries).</summary>
    [Params(100, 1_000)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Random.Shared.NextBytes(_payload);
        _cluster = new InMemoryRaftCluster(3, maxInflightMessages: 256, maxAppendBytes: 1024 * 1024);
    }

    [Benchmark(OperationsPerInvoke = ProposalsPerInvoke)]
    public long CommitProposals()
    {
        RaftNode leader = _cluster.Leader;
        long target = _cluster.Applied + ProposalsPerInvoke;
        for (int done = 0; done < ProposalsPerInvoke; done += BatchSize)
        {
            for (int i = 0; i < BatchSize; i++)
            {
                if (!leader.Propose(_payload).IsAccepted)
                {
                    throw new InvalidOperationException("proposal refused");
                }
            }

            _cluster.Pump();
        }

        if (_cluster.Applied != target)
        {
            throw new InvalidOperationException($"applied {_cluster.Applied}, expected {target}");
        }

        _cluster.Compact();
        return _cluster.Applied;
    }
}
