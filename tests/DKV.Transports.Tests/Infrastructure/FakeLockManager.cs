using DKV.Core.Locks;

namespace DKV.Transports.Tests.Infrastructure;

/// <summary>A tiny <see cref="ILockManager"/> for transport tests: leases never expire, tokens count up, waits are recorded.</summary>
public sealed class FakeLockManager : ILockManager
{
    private readonly Dictionary<string, (byte[] Owner, ulong Token)> _held = new(StringComparer.Ordinal);
    private ulong _token;

    public TimeSpan LastWait { get; private set; }

    public TimeSpan LastTtl { get; private set; }

    public ValueTask<LockResult> AcquireLockAsync(string key, TimeSpan ttl, ReadOnlyMemory<byte> ownerId = default, CancellationToken cancellationToken = default) =>
        AcquireLockAsync(key, ttl, TimeSpan.Zero, ownerId, cancellationToken);

    public ValueTask<LockResult> AcquireLockAsync(string key, TimeSpan ttl, TimeSpan wait, ReadOnlyMemory<byte> ownerId = default, CancellationToken cancellationToken = default)
    {
        lock (_held)
        {
            LastWait = wait;
            LastTtl = ttl;
            byte[] owner = ownerId.IsEmpty ? Guid.NewGuid().ToByteArray() : ownerId.ToArray();
            if (_held.TryGetValue(key, out var holder))
            {
                return ValueTask.FromResult(holder.Owner.AsSpan().SequenceEqual(owner) ? new LockResult(true, owner, holder.Token) : LockResult.NotAcquired);
            }

            _held[key] = (owner, ++_token);
            return ValueTask.FromResult(new LockResult(true, owner, _token));
        }
    }

    public ValueTask<bool> ReleaseLockAsync(string key, ReadOnlyMemory<byte> ownerId, CancellationToken cancellationToken = default)
    {
        lock (_held)
        {
            bool mine = _held.TryGetValue(key, out var holder) && holder.Owner.AsSpan().SequenceEqual(ownerId.Span);
            return ValueTask.FromResult(mine && _held.Remove(key));
        }
    }

    public ValueTask<LockResult> RefreshLockAsync(string key, ReadOnlyMemory<byte> ownerId, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        lock (_held)
        {
            LastTtl = ttl;
            return ValueTask.FromResult(_held.TryGetValue(key, out var holder) && holder.Owner.AsSpan().SequenceEqual(ownerId.Span)
                ? new LockResult(true, holder.Owner, holder.Token)
                : LockResult.NotAcquired);
        }
    }
}
