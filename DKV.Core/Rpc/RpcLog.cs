using DKV.Core.Messages;
using Microsoft.Extensions.Logging;

namespace DKV.Core.Rpc;

/// <summary>Source-generated log messages of the RPC shell. Event ids 3100-3149.</summary>
internal static partial class RpcLog
{
    [LoggerMessage(3100, LogLevel.Error, "Shard {Shard} failed on a {MessageType} request; the client was told 'internal error'")]
    public static partial void HandlerFailed(ILogger logger, string shard, MessageType messageType, Exception exception);

    [LoggerMessage(3101, LogLevel.Debug, "Request for shard {ShardId} could not be decoded: {Reason}")]
    public static partial void MalformedRequest(ILogger logger, ulong shardId, string reason);

    [LoggerMessage(3102, LogLevel.Debug, "Request for unknown shard {ShardId} ({MessageType})")]
    public static partial void UnknownShard(ILogger logger, ulong shardId, MessageType messageType);

    [LoggerMessage(3103, LogLevel.Error, "The answer to a {MessageType} request for shard {ShardId} could not be encoded; sent an internal error instead")]
    public static partial void EncodeFailed(ILogger logger, ulong shardId, MessageType messageType, Exception exception);
}
