using System.Runtime.CompilerServices;
using System.Text.Json;
using DKV.Core.Errors;
using DKV.Core.Messages;
using DKV.Core.Stores;

namespace DKV.Core.Rpc;

/// <summary>Maps store requests to <see cref="IStore"/> calls and their results to answers (the table on <see cref="Message"/>).</summary>
internal static class StoreRequestRouter
{
    public const string Handled = "set, setE, setEIfUnset, compareAndSetE, expire, delete, compareAndDelete, get, has, dbInfo";

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<Message> RouteAsync(RpcShard shard, IStore store, Message request, CancellationToken cancellationToken)
    {
        MessageType type = request.Type;
        switch (type)
        {
            case MessageType.Set:
            {
                WriteResult r = await store.SetAsync(Key(shard, request), Bytes(request.Value), cancellationToken).ConfigureAwait(false);
                return new Message { Type = type, Index = r.Index };
            }

            case MessageType.SetE:
                return Written(type, await store.SetEAsync(Key(shard, request), Bytes(request.Value), request.ExpireIn, request.DeleteIn, cancellationToken).ConfigureAwait(false));
            case MessageType.SetEIfUnset:
                return Written(type, await store.SetEIfUnsetAsync(Key(shard, request), Bytes(request.Value), request.ExpireIn, request.DeleteIn, cancellationToken).ConfigureAwait(false));
            case MessageType.CompareAndSetE:
                return Written(type, await store.CompareAndSetEAsync(Key(shard, request), Bytes(request.Meta), Bytes(request.Value), request.ExpireIn, request.DeleteIn, cancellationToken).ConfigureAwait(false));
            case MessageType.Expire:
                return Written(type, await store.ExpireAsync(Key(shard, request), cancellationToken).ConfigureAwait(false));
            case MessageType.Delete:
                return Written(type, await store.DeleteAsync(Key(shard, request), cancellationToken).ConfigureAwait(false));
            case MessageType.CompareAndDelete:
                return Written(type, await store.CompareAndDeleteAsync(Key(shard, request), Bytes(request.Value), cancellationToken).ConfigureAwait(false));
            case MessageType.Get:
            {
                GetResult r = await store.GetAsync(Key(shard, request), cancellationToken).ConfigureAwait(false);
                return new Message { Type = type, Ok = r.Found, Value = r.Found ? r.Value : null, Index = r.Found ? r.Index : 0 };
            }

            case MessageType.Has:
                return new Message { Type = type, Ok = await store.HasAsync(Key(shard, request), cancellationToken).ConfigureAwait(false) };
            case MessageType.DbInfo:
            {
                StoreInfo info = await store.GetDBInfoAsync(cancellationToken).ConfigureAwait(false);
                return new Message { Type = type, Value = JsonSerializer.SerializeToUtf8Bytes(info, RpcJsonContext.Default.StoreInfo) };
            }

            default:
                throw new DkvException(DkvErrorCode.UnknownMessageType, $"shard {shard} does not handle message type '{MessageTypes.ToName(type)}' ({(byte)type}); it handles {Handled}");
        }
    }

    /// <summary>The key of <paramref name="request"/>; a request without one is an invalid argument.</summary>
    internal static string Key(RpcShard shard, in Message request) =>
        request.Key ?? throw new DkvException(DkvErrorCode.InvalidArgument, $"a {MessageTypes.ToName(request.Type)} request to shard {shard} needs a key");

    internal static ReadOnlyMemory<byte> Bytes(ReadOnlyMemory<byte>? field) => field ?? ReadOnlyMemory<byte>.Empty;

    private static Message Written(MessageType type, WriteResult result) => new() { Type = type, Ok = result.Applied, Index = result.Index };
}
