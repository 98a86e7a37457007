namespace DKV.Core.Consensus;

/// <summary>
/// A consensus implementation, registered by a plugin as a keyed service under a short name (<c>raft</c>). The host calls it
/// once per process, when the configuration has replicated shards (<c>dstore</c>, <c>lockmgr(dstore)</c>).
/// </summary>
public interface IConsensusFactory
{
    /// <summary>The short name the implementation is registered under.</summary>
    string Name { get; }

    /// <summary>
    /// Opens (or creates) this node's data directory, recovers every group in <see cref="ConsensusNodeOptions.GroupIds"/>,
    /// starts listening for peers on this replica's member address, and starts the groups. Returns once the node serves
    /// (a group may still be electing a leader; requests then wait up to the request timeout).
    /// </summary>
    /// <exception cref="Errors.DkvException">
    /// The options are invalid (<see cref="Errors.DkvErrorCode.InvalidArgument"/>), the data directory is damaged
    /// (<see cref="Errors.DkvErrorCode.Corrupt"/>, naming the file and offset), or the peer address cannot be bound
    /// (<see cref="Errors.DkvErrorCode.Unavailable"/>).
    /// </exception>
    ValueTask<IConsensusNode> StartAsync(ConsensusNodeOptions options, CancellationToken cancellationToken = default);
}
