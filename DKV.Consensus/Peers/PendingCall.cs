using DKV.Core.Errors;

namespace DKV.Consensus.Peers;

/// <summary>
/// One outstanding <see cref="IPeerNetwork.CallAsync"/>: queued, then sent, then completed exactly once (reply, failure or
/// cancellation, whichever comes first). Whether it was sent decides the failure code: Unavailable before, the given one after.
/// </summary>
internal sealed class PendingCall
{
    private const int StateQueued = 0;
    private const int StateSent = 1;
    private const int StateDone = 2;

    private readonly TaskCompletionSource<PeerReply> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;

    public PendingCall(ulong requestId, PeerRequest request)
    {
        RequestId = requestId;
        Request = request;
    }

    public ulong RequestId { get; }

    public PeerRequest Request { get; }

    public CancellationTokenRegistration Registration { get; set; }

    public Task<PeerReply> Task => _completion.Task;

    /// <summary>Claims the call for writing; false when it already completed (then it must not be written).</summary>
    public bool TryMarkSent() => Interlocked.CompareExchange(ref _state, StateSent, StateQueued) == StateQueued;

    public bool TryComplete(PeerReply reply)
    {
        if (Interlocked.Exchange(ref _state, StateDone) == StateDone)
        {
            return false;
        }

        Registration.Unregister();
        _completion.SetResult(reply);
        return true;
    }

    /// <summary>Fails the call: <see cref="DkvErrorCode.Unavailable"/> with <paramref name="notSentMessage"/> if it was never written, else <paramref name="sentCode"/>.</summary>
    public bool TryFail(DkvErrorCode sentCode, string notSentMessage, string sentMessage)
    {
        int previous = Interlocked.Exchange(ref _state, StateDone);
        if (previous == StateDone)
        {
            return false;
        }

        Registration.Unregister();
        _completion.SetException(previous == StateQueued
            ? new DkvException(DkvErrorCode.Unavailable, notSentMessage)
            : new DkvException(sentCode, sentMessage));
        return true;
    }
}
