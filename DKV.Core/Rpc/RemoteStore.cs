using System.Runtime.CompilerServices;
using System.Text.Json;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using DKV.Core.Stores;
using DKV.Core.Transport;

namespace DKV.Core.Rpc;

/// <summary>
/// An <see cref="IStore"/> on a remote shard, over an <see cref="IClientTransport"/> and an <see cref="IRpcSerializer"/>. Thread-safe.
/// Error answers come back as <see cref="DkvException"/> with the server's code. Reads (get, has, dbInfo) may be retried by the
/// transport; writes are never retried once they may have reached the server.
/// </summary>
/// <remarks>Does not own the transport: dispose it separately.</remarks>
public sealed class RemoteStore : IStore
{
    private readonly IClientTransport _transport;
    private readonly IRpcSerializer _serializer;

    public RemoteStore(IClientTransport transport, IRpcSerializer serializer, ulong shardId)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(serializer);
        _transport = transport;
        _serializer = serializer;
        ShardId = shardId;
    }

    /// <summary>The shard every request goes to.</summary>
    public ulong ShardId { get; }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<WriteResult> SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        Message answer = await WriteAsync(new Message { Type = MessageType.Set, Key = key, Value = value }, cancellationToken).ConfigureAwait(false);
        return new WriteResult(true, answer.Index);
    }

    public ValueTask<WriteResult> SetEAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) =>
        WrittenAsync(new Message { Type = MessageType.SetE, Key = key, Value = value, ExpireIn = expireIn, DeleteIn = deleteIn }, cancellationToken);

    public ValueTask<WriteResult> SetEIfUnsetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) =>
        WrittenAsync(new Message { Type = MessageType.SetEIfUnset, Key = key, Value = value, ExpireIn = expireIn, DeleteIn = deleteIn }, cancellationToken);

    public ValueTask<WriteResult> CompareAndSetEAsync(string key, ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default) =>
        WrittenAsync(new Message { Type = MessageType.CompareAndSetE, Key = key, Meta = expected, Value = value, ExpireIn = expireIn, DeleteIn = deleteIn }, cancellationToken);

    public ValueTask<WriteResult> ExpireAsync(string key, CancellationToken cancellationToken = default) =>
        WrittenAsync(new Message { Type = MessageType.Expire, Key = key }, cancellationToken);

    public ValueTask<WriteResult> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        WrittenAsync(new Message { Type = MessageType.Delete, Key = key }, cancellationToken);

    public ValueTask<WriteResult> CompareAndDeleteAsync(string key, ReadOnlyMemory<byte> expected, CancellationToken cancellationToken = default) =>
        WrittenAsync(new Message { Type = MessageType.CompareAndDelete, Key = key, Value = expected }, cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<GetResult> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        Message answer = await ReadAsync(new Message { Type = MessageType.Get, Key = RequireKey(key) }, cancellationToken).ConfigureAwait(false);
        return answer.Ok ? new GetResult(true, answer.Value ?? ReadOnlyMemory<byte>.Empty, answer.Index) : GetResult.NotFound;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> HasAsync(string key, CancellationToken cancellationToken = default)
    {
        Message answer = await ReadAsync(new Message { Type = MessageType.Has, Key = RequireKey(key) }, cancellationToken).ConfigureAwait(false);
        return answer.Ok;
    }

    public async ValueTask<StoreInfo> GetDBInfoAsync(CancellationToken cancellationToken = default)
    {
        Message answer = await ReadAsync(new Message { Type = MessageType.DbInfo }, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(answer.Value.GetValueOrDefault().Span, RpcJsonContext.Default.StoreInfo)
                ?? throw new DkvException(DkvErrorCode.MalformedMessage, $"shard {ShardId} answered dbInfo with JSON null");
        }
        catch (JsonException ex)
        {
            throw new DkvException(DkvErrorCode.MalformedMessage, $"shard {ShardId} answered dbInfo with JSON that is not a store info: {ex.Message}", ex);
        }
    }

    private static string RequireKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<WriteResult> WrittenAsync(Message request, CancellationToken cancellationToken)
    {
        Message answer = await WriteAsync(request, cancellationToken).ConfigureAwait(false);
        return new WriteResult(answer.Ok, answer.Index);
    }

    private ValueTask<Message> WriteAsync(Message request, CancellationToken cancellationToken)
    {
        RequireKey(request.Key!);
        return RpcCall.InvokeAsync(_transport, _serializer, ShardId, request, idempotent: false, cancellationToken);
    }

    private ValueTask<Message> ReadAsync(Message request, CancellationToken cancellationToken) =>
        RpcCall.InvokeAsync(_transport, _serializer, ShardId, request, idempotent: true, cancellationToken);
}
