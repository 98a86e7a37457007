using DKV.Core.Consensus;

namespace DKV.Host.Tests.Consensus;

/// <summary>A consensus "implementation" for host tests: records the options it was started with and hands out <see cref="FakeConsensusNode"/>s.</summary>
internal sealed class FakeConsensusFactory : IConsensusFactory
{
    public string Name => "raft";

    public ConsensusNodeOptions? StartedWith { get; private set; }

    public FakeConsensusNode? Node { get; private set; }

    public ValueTask<IConsensusNode> StartAsync(ConsensusNodeOptions options, CancellationToken cancellationToken = default)
    {
        StartedWith = options;
        Node = new FakeConsensusNode(options);
        return ValueTask.FromResult<IConsensusNode>(Node);
    }
}
