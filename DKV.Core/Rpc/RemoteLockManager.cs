using System.Security.Cryptography;
using DKV.Core.Errors;
using DKV.Core.Locks;
using DKV.Core.Messages;
using DKV.Core.Serialization;
using DKV.Core.Transport;

namespace DKV.Core.Rpc;

/// <summary>
/// An <see cref="ILockManager"/> on a remote shard, over an <see cref="IClientTransport"/> and an <see cref="IRpcSerializer"/>. Thread-safe.
/// </summary>
/// <remarks>
/// <para>When no owner id is given, a random 16-byte id is chosen here, before sending, so an acquire is idempotent and the
/// transport may retry it. Refresh is idempotent too; release is not retried once it may have reached the server.</para>
/// <para>A wait longer than <c>maxWaitPerRequest</c> is split into several server-side waits, so no single request outlives the
/// transport's per-request timeout; keep <c>maxWaitPerRequest</c> well below that timeout.</para>
/// Does not own the transport: dispose it separately.
/// </remarks>
public sealed class RemoteLockManager : ILockManager
{
    private const int OwnerIdBytes = 16;

    private readonly IClientTransport _transport;
    private readonly IRpcSerializer _serializer;
    private readonly TimeSpan _maxWaitPerRequest;

    /// <param name="transport">Connected client transport.</param>
    /// <param name="serializer">Must match the server's.</param>
    /// <param name="shardId">The lock shard.</param>
    /// <param name="maxWaitPerRequest">Longest server-side wait in one request (default 2 s).</param>
    public RemoteLockManager(IClientTransport transport, IRpcSerializer serializer, ulong shardId, TimeSpan? maxWaitPerRequest = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(serializer);
        _transport = transport;
        _serializer = serializer;
        ShardId = shardId;
        _maxWaitPerRequest = maxWaitPerRequest ?? TimeSpan.FromSeconds(2);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_maxWaitPerRequest, TimeSpan.Zero, nameof(maxWaitPerRequest));
    }

    /// <summary>The shard every request goes to.</summary>
    public ulong ShardId { get; }

    public ValueTask<LockResult> AcquireLockAsync(string key, TimeSpan ttl, ReadOnlyMemory<byte> ownerId = default, CancellationToken cancellationToken = default) =>
        AcquireLockAsync(key, ttl, TimeSpan.Zero, ownerId, cancellationToken);

    public async ValueTask<LockResult> AcquireLockAsync(string key, TimeSpan ttl, TimeSpan wait, ReadOnlyMemory<byte> ownerId = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (ttl <= TimeSpan.Zero)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"lock ttl {ttl} for key '{key}' must be positive");
        }

        if (wait < TimeSpan.Zero)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"lock wait {wait} for key '{key}' must be zero (try once) or positive");
        }

        ReadOnlyMemory<byte> owner = ownerId.IsEmpty ? RandomNumberGenerator.GetBytes(OwnerIdBytes) : ownerId;
        long deadline = Environment.TickCount64 + (long)wait.TotalMilliseconds;
        while (true)
        {
            long left = Math.Max(0, deadline - Environment.TickCount64);
            TimeSpan slice = TimeSpan.FromMilliseconds(Math.Min(left, (long)_maxWaitPerRequest.TotalMilliseconds));
            var request = new Message { Type = MessageType.Acquire, Key = key, DeleteIn = ttl, ExpireIn = slice, Value = owner };
            Message answer = await RpcCall.InvokeAsync(_transport, _serializer, ShardId, request, idempotent: true, cancellationToken).ConfigureAwait(false);
            if (answer.Ok || deadline - Environment.TickCount64 <= 0)
            {
                return ToResult(answer);
            }
        }
    }

    public async ValueTask<bool> ReleaseLockAsync(string key, ReadOnlyMemory<byte> ownerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var request = new Message { Type = MessageType.Release, Key = key, Value = ownerId };
        Message answer = await RpcCall.InvokeAsync(_transport, _serializer, ShardId, request, idempotent: false, cancellationToken).ConfigureAwait(false);
        return answer.Ok;
    }

    public async ValueTask<LockResult> RefreshLockAsync(string key, ReadOnlyMemory<byte> ownerId, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (ttl <= TimeSpan.Zero)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"lock ttl {ttl} for key '{key}' must be positive");
        }

        var request = new Message { Type = MessageType.Refresh, Key = key, Value = ownerId, DeleteIn = ttl };
        Message answer = await RpcCall.InvokeAsync(_transport, _serializer, ShardId, request, idempotent: true, cancellationToken).ConfigureAwait(false);
        return ToResult(answer);
    }

    private static LockResult ToResult(in Message answer) =>
        answer.Ok ? new LockResult(true, answer.Value ?? ReadOnlyMemory<byte>.Empty, answer.Index) : LockResult.NotAcquired;
}
