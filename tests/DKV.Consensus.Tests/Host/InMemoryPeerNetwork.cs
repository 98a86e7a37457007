using DKV.Consensus.Peers;
using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Consensus.Tests.Host;

/// <summary>An <see cref="IPeerNetwork"/> that hands messages straight to the other replica's handler (no copying of entries).</summary>
public sealed class InMemoryPeerNetwork : IPeerNetwork
{
    private readonly InMemoryPeerHub _hub;
    private IPeerHandler? _handler;

    internal InMemoryPeerNetwork(InMemoryPeerHub hub, ulong localId)
    {
        _hub = hub;
        LocalId = localId;
    }

    public ulong LocalId { get; }

    internal IPeerHandler? Handler => Volatile.Read(ref _handler);

    public ValueTask StartAsync(IPeerHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException("the network was already started");
        }

        _hub.Register(this);
        return ValueTask.CompletedTask;
    }

    public bool Send(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        IPeerHandler? target = _hub.Route(LocalId, message.To)?.Handler;
        if (target is null)
        {
            return false;
        }

        target.OnRaftMessage(message);
        if (message.Type == RaftMessageType.InstallSnapshot)
        {
            Handler?.OnSnapshotSent(message.GroupId, message.To, succeeded: true);
        }

        return true;
    }

    public async ValueTask<PeerReply> CallAsync(ulong to, PeerRequest request, CancellationToken cancellationToken = default)
    {
        IPeerHandler target = _hub.Route(LocalId, to)?.Handler
            ?? throw new DkvException(DkvErrorCode.Unavailable, $"replica {to} is not reachable from {LocalId}");
        var copy = new PeerRequest(request.GroupId, request.Kind, request.Payload.ToArray());
        return await target.OnRequestAsync(LocalId, copy, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _hub.Unregister(this);
        return ValueTask.CompletedTask;
    }
}
