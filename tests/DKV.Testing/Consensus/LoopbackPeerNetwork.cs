using System.Threading.Channels;
using DKV.Consensus.Peers;
using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Testing.Consensus;

/// <summary>
/// One replica's in-memory <see cref="IPeerNetwork"/> in a <see cref="LoopbackPeerHub"/>. Everything addressed to it (messages,
/// unreachable reports, snapshot outcomes) runs on one delivery loop, in order, never on the sender's thread.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class LoopbackPeerNetwork : IPeerNetwork
{
    private readonly LoopbackPeerHub _hub;
    private readonly Channel<Action<IPeerHandler>> _inbox = Channel.CreateUnbounded<Action<IPeerHandler>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private IPeerHandler? _handler;
    private Task _delivery = Task.CompletedTask;
    private int _queuedMessages;

    internal LoopbackPeerNetwork(LoopbackPeerHub hub, ulong localId)
    {
        _hub = hub;
        LocalId = localId;
    }

    /// <inheritdoc/>
    public ulong LocalId { get; }

    /// <inheritdoc/>
    public ValueTask StartAsync(IPeerHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.CompareExchange(ref _handler, handler, null) is not null)
        {
            throw new InvalidOperationException($"the loopback network of replica {LocalId} is already started; StartAsync is called once");
        }

        _hub.Join(this);
        _delivery = Task.Run(DeliverAsync);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public bool Send(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_handler is null || _stop.IsCancellationRequested || message.To == LocalId)
        {
            return false;
        }

        LoopbackPeerNetwork? target = _hub.Route(LocalId, message.To);
        if (target is null)
        {
            Post(handler => handler.OnPeerUnreachable(message.To));
            if (message.Snapshot is not null)
            {
                Post(handler => handler.OnSnapshotSent(message.GroupId, message.To, false));
            }

            return false;
        }

        if (!target.Accept(message))
        {
            return false;
        }

        if (message.Snapshot is not null)
        {
            Post(handler => handler.OnSnapshotSent(message.GroupId, message.To, true));
        }

        return true;
    }

    /// <inheritdoc/>
    public async ValueTask<PeerReply> CallAsync(ulong to, PeerRequest request, CancellationToken cancellationToken = default)
    {
        LoopbackPeerNetwork? target = _handler is null || _stop.IsCancellationRequested ? null : _hub.Route(LocalId, to);
        if (target?._handler is not { } remote)
        {
            throw new DkvException(DkvErrorCode.Unavailable, $"replica {to} is unreachable from replica {LocalId} in the loopback hub; the request was not sent");
        }

        // The receiver may keep the payload only for the call; a copy stops the caller's later changes from leaking into it.
        var copy = new PeerRequest(request.GroupId, request.Kind, request.Payload.ToArray());
        Task<PeerReply> handling = Task.Run(() => target.HandleAsync(remote, LocalId, copy, cancellationToken).AsTask(), CancellationToken.None);
        try
        {
            return await handling.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new DkvException(DkvErrorCode.Timeout, $"no reply from replica {to} for group {request.GroupId} before the caller's deadline; it may have been applied");
        }
    }

    /// <summary>Leaves the hub and stops delivering; later sends and calls fail as if the replica were down.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _hub.Leave(this);
        await _stop.CancelAsync().ConfigureAwait(false);
        _inbox.Writer.TryComplete();
        await _delivery.ConfigureAwait(false);
        _stop.Dispose();
    }

    private bool Accept(RaftMessage message)
    {
        if (Interlocked.Increment(ref _queuedMessages) > _hub.QueueCapacity)
        {
            Interlocked.Decrement(ref _queuedMessages);
            return false;
        }

        return Post(handler =>
        {
            Interlocked.Decrement(ref _queuedMessages);
            handler.OnRaftMessage(message);
        });
    }

    private bool Post(Action<IPeerHandler> action) => _inbox.Writer.TryWrite(action);

    private async ValueTask<PeerReply> HandleAsync(IPeerHandler handler, ulong from, PeerRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await handler.OnRequestAsync(from, request, cancellationToken).ConfigureAwait(false);
        }
        catch (DkvException exception)
        {
            return new PeerReply(exception.Code, exception.Message, false, 0, 0);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // As over TCP: a failing handler becomes an Internal error reply to the caller, not a lost call.
            return new PeerReply(DkvErrorCode.Internal, $"replica {LocalId} failed to handle the request for group {request.GroupId}: {exception.Message}", false, 0, 0);
        }
    }

    private async Task DeliverAsync()
    {
        IPeerHandler handler = _handler!;
        try
        {
            await foreach (Action<IPeerHandler> action in _inbox.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                action(handler);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed: what is still queued is dropped, as a stopped node's would be.
        }
    }
}
