namespace DKV.Core.Errors;

/// <summary>
/// Error codes that cross the wire as a number (one byte is enough; values are stable and never reused).
/// "Not found" is not an error: reads report it in their result.
/// </summary>
public enum DkvErrorCode : byte
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>A fault inside the server; the operation may or may not have been applied.</summary>
    Internal = 1,

    /// <summary>The engine or shard does not support this operation. Nothing was applied.</summary>
    Unsupported = 2,

    /// <summary>An argument is out of range or malformed. Nothing was applied.</summary>
    InvalidArgument = 3,

    /// <summary>This node is not the leader and could not forward. Nothing was applied; safe to retry elsewhere.</summary>
    NotLeader = 4,

    /// <summary>The shard cannot serve now (no quorum, shutting down, overloaded). Nothing was applied; safe to retry.</summary>
    Unavailable = 5,

    /// <summary>No answer before the deadline. A write may or may not have been applied.</summary>
    Timeout = 6,

    /// <summary>A key, value or frame is larger than the configured maximum. Nothing was applied.</summary>
    TooLarge = 7,

    /// <summary>Data read back failed its checks (snapshot, log record, frame). Nothing was applied.</summary>
    Corrupt = 8,

    /// <summary>The peers disagree on protocol version or serializer.</summary>
    ProtocolMismatch = 9,

    /// <summary>No shard with that id on this server. Nothing was applied.</summary>
    UnknownShard = 10,

    /// <summary>The shard does not handle this message type. Nothing was applied.</summary>
    UnknownMessageType = 11,

    /// <summary>The caller cancelled. A write may or may not have been applied.</summary>
    Cancelled = 12,

    /// <summary>A payload could not be decoded. Nothing was applied.</summary>
    MalformedMessage = 13,

    /// <summary>
    /// The connection closed after the request was sent and before its answer came. A write may or may not have been applied;
    /// an idempotent request may be retried.
    /// </summary>
    ConnectionLost = 14,
}
