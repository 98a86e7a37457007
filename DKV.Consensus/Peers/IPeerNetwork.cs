using DKV.Consensus.Raft;

namespace DKV.Consensus.Peers;

/// <summary>
/// How one node reaches the other replicas: Raft messages one way (fire and forget; Raft retransmits what is lost) and
/// request/reply calls (a follower forwarding a proposal to its leader). Kept separate from the client transports.
/// The TCP implementation is <c>TcpPeerNetwork</c>; tests and the simulator use in-memory ones.
/// </summary>
/// <remarks>Thread-safe. Every queue is bounded: when a peer's queue is full, <see cref="Send"/> drops and says so.</remarks>
public interface IPeerNetwork : IAsyncDisposable
{
    /// <summary>This node's replica id.</summary>
    ulong LocalId { get; }

    /// <summary>Starts listening on this node's address and delivering to <paramref name="handler"/>. Called once.</summary>
    /// <exception cref="Core.Errors.DkvException">The address cannot be bound (<see cref="Core.Errors.DkvErrorCode.Unavailable"/>).</exception>
    ValueTask StartAsync(IPeerHandler handler, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues <paramref name="message"/> for <see cref="RaftMessage.To"/> and returns at once. Messages to one peer are sent in
    /// order and batched. A snapshot travels in chunks; its outcome comes back through <see cref="IPeerHandler.OnSnapshotSent"/>.
    /// </summary>
    /// <returns>False when the peer's queue is full or the peer is unknown: the message was dropped.</returns>
    bool Send(RaftMessage message);

    /// <summary>Sends a request to <paramref name="to"/> and waits for its reply.</summary>
    /// <exception cref="Core.Errors.DkvException">
    /// <see cref="Core.Errors.DkvErrorCode.Unavailable"/> when the request could not be sent (it definitely did not arrive);
    /// <see cref="Core.Errors.DkvErrorCode.Timeout"/> or <see cref="Core.Errors.DkvErrorCode.ConnectionLost"/> once it may have.
    /// </exception>
    ValueTask<PeerReply> CallAsync(ulong to, PeerRequest request, CancellationToken cancellationToken = default);
}
