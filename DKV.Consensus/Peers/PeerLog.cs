using Microsoft.Extensions.Logging;

namespace DKV.Consensus.Peers;

/// <summary>Source-generated log messages of the peer network. Event ids 3400-3499.</summary>
internal static partial class PeerLog
{
    [LoggerMessage(3400, LogLevel.Information, "Replica {LocalId}: listening for peers on {Address}")]
    public static partial void Listening(ILogger logger, ulong localId, string address);

    [LoggerMessage(3401, LogLevel.Information, "Replica {LocalId}: connected to peer {PeerId} at {Address}")]
    public static partial void Connected(ILogger logger, ulong localId, ulong peerId, string address);

    [LoggerMessage(3402, LogLevel.Warning, "Replica {LocalId}: peer {PeerId} at {Address} unreachable ({Failures} failures in a row): {Reason}; {Dropped} queued messages dropped, retrying in {DelayMs} ms")]
    public static partial void Unreachable(ILogger logger, ulong localId, ulong peerId, string address, int failures, string reason, int dropped, long delayMs);

    [LoggerMessage(3403, LogLevel.Warning, "Replica {LocalId}: closing connection from {Remote}: {Reason}")]
    public static partial void InboundClosed(ILogger logger, ulong localId, string remote, string reason);

    [LoggerMessage(3404, LogLevel.Debug, "Replica {LocalId}: peer {PeerId} at {Remote} disconnected")]
    public static partial void InboundEnded(ILogger logger, ulong localId, ulong peerId, string remote);

    [LoggerMessage(3405, LogLevel.Information, "Replica {LocalId}: peer {PeerId} connected from {Remote}")]
    public static partial void InboundAccepted(ILogger logger, ulong localId, ulong peerId, string remote);

    [LoggerMessage(3406, LogLevel.Warning, "Replica {LocalId}: accepting a peer connection failed: {Reason}")]
    public static partial void AcceptFailed(ILogger logger, ulong localId, string reason);

    [LoggerMessage(3407, LogLevel.Error, "Replica {LocalId}: the request handler failed for a request of peer {PeerId} on group {GroupId}")]
    public static partial void HandlerFailed(ILogger logger, ulong localId, ulong peerId, ulong groupId, Exception exception);

    [LoggerMessage(3408, LogLevel.Warning, "Replica {LocalId}: dropped a {Type} message for peer {PeerId}: {Bytes} bytes encoded, over the maximum of {MaxBytes} (MaxMessageBytes)")]
    public static partial void MessageTooLarge(ILogger logger, ulong localId, string type, ulong peerId, long bytes, int maxBytes);

    [LoggerMessage(3409, LogLevel.Warning, "Replica {LocalId}: refused a snapshot of {Bytes} bytes from peer {PeerId} for group {GroupId}: over the maximum of {MaxBytes} (MaxSnapshotBytes)")]
    public static partial void SnapshotTooLarge(ILogger logger, ulong localId, long bytes, ulong peerId, ulong groupId, long maxBytes);

    [LoggerMessage(3410, LogLevel.Error, "Replica {LocalId}: the peer handler failed on a message from peer {PeerId}")]
    public static partial void DeliveryFailed(ILogger logger, ulong localId, ulong peerId, Exception exception);

    [LoggerMessage(3411, LogLevel.Debug, "Replica {LocalId}: a reply from peer {PeerId} for request {RequestId} came after the caller stopped waiting")]
    public static partial void LateReply(ILogger logger, ulong localId, ulong peerId, ulong requestId);
}
