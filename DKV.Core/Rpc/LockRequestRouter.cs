using System.Runtime.CompilerServices;
using DKV.Core.Errors;
using DKV.Core.Locks;
using DKV.Core.Messages;

namespace DKV.Core.Rpc;

/// <summary>Maps lock requests to <see cref="ILockManager"/> calls and their results to answers (the table on <see cref="Message"/>).</summary>
internal static class LockRequestRouter
{
    public const string Handled = "acquire, release, refresh";

    private const string HandledWithInfo = Handled + ", dbInfo";

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<Message> RouteAsync(RpcShard shard, ILockManager locks, Message request, CancellationToken cancellationToken)
    {
        MessageType type = request.Type;
        switch (type)
        {
            case MessageType.Acquire:
            {
                string key = StoreRequestRouter.Key(shard, request);
                ReadOnlyMemory<byte> owner = StoreRequestRouter.Bytes(request.Value);
                LockResult r = request.ExpireIn > TimeSpan.Zero
                    ? await locks.AcquireLockAsync(key, request.DeleteIn, request.ExpireIn, owner, cancellationToken).ConfigureAwait(false)
                    : await locks.AcquireLockAsync(key, request.DeleteIn, owner, cancellationToken).ConfigureAwait(false);
                return Locked(type, r);
            }

            case MessageType.Release:
            {
                bool released = await locks.ReleaseLockAsync(StoreRequestRouter.Key(shard, request), StoreRequestRouter.Bytes(request.Value), cancellationToken).ConfigureAwait(false);
                return new Message { Type = type, Ok = released };
            }

            case MessageType.Refresh:
            {
                LockResult r = await locks.RefreshLockAsync(StoreRequestRouter.Key(shard, request), StoreRequestRouter.Bytes(request.Value), request.DeleteIn, cancellationToken).ConfigureAwait(false);
                return Locked(type, r);
            }

            case MessageType.DbInfo when shard.InfoStore is { } infoStore:
                // The lock shard's figures are its store's: the store router answers exactly as for a store shard.
                return await StoreRequestRouter.RouteAsync(shard, infoStore, request, cancellationToken).ConfigureAwait(false);
            default:
                throw new DkvException(
                    DkvErrorCode.UnknownMessageType,
                    $"shard {shard} does not handle message type '{MessageTypes.ToName(type)}' ({(byte)type}); it handles {(shard.InfoStore is null ? Handled : HandledWithInfo)}");
        }
    }

    private static Message Locked(MessageType type, LockResult result) =>
        new() { Type = type, Ok = result.Acquired, Value = result.Acquired ? result.OwnerId : null, Index = result.Acquired ? result.FencingToken : 0 };
}
