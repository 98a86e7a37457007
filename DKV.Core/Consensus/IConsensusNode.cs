using DKV.Core.Stores;

namespace DKV.Core.Consensus;

/// <summary>
/// This process's member of the cluster: every replicated group it hosts, the write-ahead log they share, and the peer
/// transport. Thread-safe. Disposing stops the groups, flushes and closes the log, and closes the peer connections.
/// </summary>
public interface IConsensusNode : IAsyncDisposable
{
    /// <summary>This replica's numeric id.</summary>
    ulong ReplicaId { get; }

    /// <summary>
    /// The linearizable store of one group (a <c>dstore</c> shard). Writes are applied once a quorum has them on disk;
    /// reads are confirmed through the leader (ReadIndex), so any node serves them. A write that fails with
    /// <see cref="Errors.DkvErrorCode.NotLeader"/> or <see cref="Errors.DkvErrorCode.Unavailable"/> was definitely not applied;
    /// <see cref="Errors.DkvErrorCode.Timeout"/> means it may have been.
    /// </summary>
    /// <exception cref="Errors.DkvException"><paramref name="groupId"/> is not hosted here (<see cref="Errors.DkvErrorCode.UnknownShard"/>).</exception>
    IStore GetStore(ulong groupId);

    /// <summary>
    /// Completes, with the reason, when the node stops on its own after a fatal error (a safety check failed, the disk failed):
    /// from then on every request fails, so the host stops the process rather than serve a dead replica. Never completes otherwise.
    /// </summary>
    Task<string> Failed { get; }

    /// <summary>This replica's local view of one group: role, term, leader, commit and applied index, log size.</summary>
    /// <exception cref="Errors.DkvException"><paramref name="groupId"/> is not hosted here (<see cref="Errors.DkvErrorCode.UnknownShard"/>).</exception>
    ReplicaStatus GetStatus(ulong groupId);
}
