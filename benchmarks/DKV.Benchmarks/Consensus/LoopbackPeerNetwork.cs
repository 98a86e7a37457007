using DKV.Consensus.Peers;
using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Benchmarks.Consensus;

/// <summary>
/// Replicas of one process handed each other's messages directly: the node host measured without a transport.
/// <see cref="Networks"/> is shared by the replicas of one run.
/// </summary>
public sealed class LoopbackPeerNetwork(ulong localId, Dictionary<ulong, LoopbackPeerNetwork> networks) : IPeerNetwork
{
    private IPeerHandler? _handler;

    public ulong LocalId { get; } = localId;

    public Dictionary<ulong, LoopbackPeerNetwork> Networks { get; } = networks;

    public ValueTask StartAsync(IPeerHandler handler, CancellationToken cancellationToken = default)
    {
        _handler = handler;
        lock (Networks)
        {
            Networks[LocalId] = this;
        }

        return ValueTask.CompletedTask;
    }

    public bool Send(RaftMessage message)
    {
        IPeerHandler? target = Target(message.To);
        if (target is null)
        {
            return false;
        }

        target.OnRaftMessage(message);
        if (message.Type == RaftMessageType.InstallSnapshot)
        {
            _handler?.OnSnapshotSent(message.GroupId, message.To, true);
        }

        return true;
    }

    public ValueTask<PeerReply> CallAsync(ulong to, PeerRequest request, CancellationToken cancellationToken = default) =>
        (Target(to) ?? throw new DkvException(DkvErrorCode.Unavailable, $"replica {to} is not running"))
            .OnRequestAsync(LocalId, new PeerRequest(request.GroupId, request.Kind, request.Payload.ToArray()), cancellationToken);

    public ValueTask DisposeAsync()
    {
        lock (Networks)
        {
            Networks.Remove(LocalId);
        }

        return ValueTask.CompletedTask;
    }

    private IPeerHandler? Target(ulong id)
    {
        lock (Networks)
        {
            return Networks.TryGetValue(id, out LoopbackPeerNetwork? network) ? network._handler : null;
        }
    }
}
