using System.Buffers;
using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text.Json;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using DKV.Core.Transport;
using Microsoft.Extensions.Logging;

namespace DKV.Core.Rpc;

/// <summary>
/// The server RPC shell: decodes each request with the configured serializer, routes it by shard id and message type to the
/// shard's store or lock manager, and encodes the answer. Thread-safe; called concurrently by the transport.
/// </summary>
/// <remarks>
/// A <see cref="MessageType.ListShards"/> request is answered by the server itself, whatever its shard id: the served shards as JSON.
/// Application failures never close the connection; they become error answers: an unknown shard id → <see cref="DkvErrorCode.UnknownShard"/>
/// (naming the shards that exist), a type the shard does not handle → <see cref="DkvErrorCode.UnknownMessageType"/>, an undecodable
/// payload → <see cref="DkvErrorCode.MalformedMessage"/> (type <see cref="MessageType.Error"/>), a <see cref="DkvException"/> → its code
/// and message, anything else → <see cref="DkvErrorCode.Internal"/> with a short message (the stack goes to the log, never to the client).
/// </remarks>
public sealed class RpcServer : IRequestHandler
{
    private readonly IRpcSerializer _serializer;
    private readonly FrozenDictionary<ulong, RpcShard> _shards;
    private readonly string _shardList;
    private readonly byte[] _shardListJson;
    private readonly ILogger _logger;

    /// <param name="serializer">The serializer the transport negotiated in the handshake.</param>
    /// <param name="shards">The shards to serve; ids must be unique.</param>
    /// <param name="loggerFactory">Receives failures with their stacks.</param>
    public RpcServer(IRpcSerializer serializer, IEnumerable<RpcShard> shards, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _serializer = serializer;
        var byId = new Dictionary<ulong, RpcShard>();
        foreach (RpcShard shard in shards)
        {
            if (!byId.TryAdd(shard.Id, shard))
            {
                throw new ArgumentException($"shard id {shard.Id} is used twice ({byId[shard.Id].Kind} and {shard.Kind}); give each shard its own id", nameof(shards));
            }
        }

        _shards = byId.ToFrozenDictionary();
        _shardList = byId.Count == 0 ? "none" : string.Join(", ", byId.Values.OrderBy(s => s.Id).Select(s => s.ToString()));
        _shardListJson = JsonSerializer.SerializeToUtf8Bytes(
            byId.Values.OrderBy(s => s.Id).Select(s => new ShardDescription(s.Id, s.Kind)).ToArray(), RpcJsonContext.Default.ShardDescriptionArray);
        _logger = loggerFactory.CreateLogger<RpcServer>();
    }

    /// <summary>The shards served, by id.</summary>
    public IReadOnlyDictionary<ulong, RpcShard> Shards => _shards;

    /// <summary>The serializer requests are decoded with.</summary>
    public IRpcSerializer Serializer => _serializer;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask HandleAsync(ulong shardId, ReadOnlyMemory<byte> request, IBufferWriter<byte> response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        Message message;
        try
        {
            message = _serializer.Deserialize(request.Span);
        }
        catch (Exception ex) when (ex is DkvException or ArgumentException or FormatException or OverflowException)
        {
            RpcLog.MalformedRequest(_logger, shardId, ex.Message);
            string reason = ex is DkvException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            Write(shardId, Message.Failure(MessageType.Error, DkvErrorCode.MalformedMessage, $"request for shard {shardId} could not be decoded with serializer '{_serializer.Name}': {reason}"), response);
            return;
        }

        Message answer = await AnswerAsync(shardId, message, cancellationToken).ConfigureAwait(false);
        Write(shardId, answer, response);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Message> AnswerAsync(ulong shardId, Message request, CancellationToken cancellationToken)
    {
        if (request.Type == MessageType.ListShards)
        {
            return new Message { Type = MessageType.ListShards, Value = _shardListJson };
        }

        if (!_shards.TryGetValue(shardId, out RpcShard? shard))
        {
            RpcLog.UnknownShard(_logger, shardId, request.Type);
            return Message.Failure(request.Type, DkvErrorCode.UnknownShard, $"shard {shardId} does not exist on this server; shards here: {_shardList}");
        }

        try
        {
            return shard.Store is { } store
                ? await StoreRequestRouter.RouteAsync(shard, store, request, cancellationToken).ConfigureAwait(false)
                : await LockRequestRouter.RouteAsync(shard, shard.LockManager!, request, cancellationToken).ConfigureAwait(false);
        }
        catch (DkvException ex)
        {
            return Message.Failure(request.Type, ex.Code, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Message.Failure(request.Type, DkvErrorCode.Unavailable, $"shard {shard} is shutting down; the {MessageTypes.ToName(request.Type)} request was abandoned");
        }
        catch (Exception ex)
        {
            RpcLog.HandlerFailed(_logger, shard.ToString(), request.Type, ex);
            return Message.Failure(request.Type, DkvErrorCode.Internal, $"internal error in shard {shard} handling {MessageTypes.ToName(request.Type)} ({ex.GetType().Name}); see the server log");
        }
    }

    private void Write(ulong shardId, in Message answer, IBufferWriter<byte> response)
    {
        try
        {
            _serializer.Serialize(answer, response);
        }
        catch (Exception ex) when (response is PooledBufferWriter resettable && ex is not OutOfMemoryException)
        {
            RpcLog.EncodeFailed(_logger, shardId, answer.Type, ex);
            resettable.Reset();
            _serializer.Serialize(Message.Failure(answer.Type, DkvErrorCode.Internal, $"the answer could not be encoded with serializer '{_serializer.Name}'; see the server log"), response);
        }
    }
}
