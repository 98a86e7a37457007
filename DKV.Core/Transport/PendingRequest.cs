using System.Buffers;

namespace DKV.Core.Transport;

/// <summary>
/// One request waiting for its answer on a <see cref="FrameClientConnection"/>: completed once, by the reader (the answer),
/// the connection's failure, or the request's timeout/cancellation (then cancelled). Continuations run asynchronously so the
/// reader never runs caller code.
/// </summary>
internal sealed class PendingRequest : TaskCompletionSource<IMemoryOwner<byte>>
{
    /// <summary>Cancels the request's task; registered on the request's timeout token.</summary>
    public static readonly Action<object?> CancelCallback = static state => ((PendingRequest)state!).TrySetCanceled();

    public PendingRequest()
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
    }

    /// <summary>True once the frame is in the output pipe: from then on the server may receive it.</summary>
    public volatile bool Committed;
}
