using System.Security.Cryptography;
using DKV.Core.Errors;
using DKV.Core.Stores;

namespace DKV.Core.Locks;

/// <summary>
/// Leases on keys of any <see cref="IStore"/>. A lock is the key holding the owner id, with a delete deadline of ttl.
/// Every ownership decision is one atomic store operation: acquire is <see cref="IStore.SetEIfUnsetAsync"/>, release is
/// <see cref="IStore.CompareAndDeleteAsync"/>, refresh is <see cref="IStore.CompareAndSetEAsync"/>.
/// </summary>
/// <remarks>
/// <para>The fencing token is the write index of the write that made the current holding (acquire or refresh). The store orders
/// writes to a key by strictly increasing index and a write applies only on top of the entry it replaced, so tokens strictly
/// increase per key across holders.</para>
/// <para>A failed acquire is followed by a read: if the key already holds the caller's owner id (a retried acquire whose first
/// answer was lost) the caller is told it holds the lock, with the current token; the read cannot grant a lock nobody holds.</para>
/// <para>Thread-safe. Waiting acquires retry with bounded exponential backoff and jitter on the injected <see cref="TimeProvider"/>,
/// and never sleep past their deadline. Store failures propagate as <see cref="DkvException"/>.</para>
/// </remarks>
public sealed class LockManager : ILockManager
{
    /// <summary>Length of generated owner ids, in bytes.</summary>
    public const int GeneratedOwnerIdBytes = 16;

    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly LockManagerOptions _options;
    private readonly Random _random;
    private readonly Lock _randomGate = new();

    /// <param name="store">The store the locks live in.</param>
    /// <param name="timeProvider">The clock that waiting acquires pause on.</param>
    /// <param name="options">Limits and retry tuning; defaults when null.</param>
    /// <param name="random">Jitter source; pass a seeded one for replayable tests. A new unseeded one when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public LockManager(IStore store, TimeProvider timeProvider, LockManagerOptions? options = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options ?? new LockManagerOptions();
        _options.Validate();
        _store = store;
        _time = timeProvider;
        // Jitter only spreads retries; outside tests a seed from the OS generator is fine (tests pass a seeded Random).
        _random = random ?? new Random(RandomNumberGenerator.GetInt32(int.MaxValue));
    }

    /// <inheritdoc/>
    public async ValueTask<LockResult> AcquireLockAsync(string key, TimeSpan ttl, ReadOnlyMemory<byte> ownerId = default, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ValidateTtl(ttl);
        ReadOnlyMemory<byte> owner = OwnerOrNew(ownerId);
        return await TryAcquireAsync(key, ttl, owner, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<LockResult> AcquireLockAsync(string key, TimeSpan ttl, TimeSpan wait, ReadOnlyMemory<byte> ownerId = default, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ValidateTtl(ttl);
        if (wait < TimeSpan.Zero || wait > _options.MaxWait)
        {
            throw new DkvException(
                DkvErrorCode.InvalidArgument,
                $"wait is {wait}; it must be between zero and {_options.MaxWait} (LockManagerOptions.MaxWait)");
        }

        ReadOnlyMemory<byte> owner = OwnerOrNew(ownerId);
        long start = _time.GetTimestamp();
        TimeSpan delay = _options.InitialRetryDelay;
        for (int attempt = 1; ; attempt++)
        {
            LockResult result = await TryAcquireAsync(key, ttl, owner, cancellationToken).ConfigureAwait(false);
            TimeSpan remaining = wait - _time.GetElapsedTime(start);
            if (result.Acquired || remaining <= TimeSpan.Zero || attempt >= _options.MaxAttempts)
            {
                return result;
            }

            TimeSpan pause = Jittered(delay);
            await Task.Delay(pause < remaining ? pause : remaining, _time, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 < _options.MaxRetryDelay ? delay * 2 : _options.MaxRetryDelay;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> ReleaseLockAsync(string key, ReadOnlyMemory<byte> ownerId, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ValidateOwner(ownerId);
        WriteResult deleted = await _store.CompareAndDeleteAsync(key, ownerId, cancellationToken).ConfigureAwait(false);
        return deleted.Applied;
    }

    /// <inheritdoc/>
    public async ValueTask<LockResult> RefreshLockAsync(string key, ReadOnlyMemory<byte> ownerId, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ValidateOwner(ownerId);
        ValidateTtl(ttl);
        WriteResult refreshed = await _store.CompareAndSetEAsync(key, ownerId, ownerId, TimeSpan.Zero, ttl, cancellationToken).ConfigureAwait(false);
        return refreshed.Applied ? new LockResult(true, ownerId, refreshed.Index) : LockResult.NotAcquired;
    }

    private async ValueTask<LockResult> TryAcquireAsync(string key, TimeSpan ttl, ReadOnlyMemory<byte> owner, CancellationToken cancellationToken)
    {
        WriteResult set = await _store.SetEIfUnsetAsync(key, owner, TimeSpan.Zero, ttl, cancellationToken).ConfigureAwait(false);
        if (set.Applied)
        {
            return new LockResult(true, owner, set.Index);
        }

        // Idempotent retry: the key may already hold our id from an earlier attempt whose answer was lost.
        GetResult current = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return current.Found && current.Value.Span.SequenceEqual(owner.Span)
            ? new LockResult(true, owner, current.Index)
            : LockResult.NotAcquired;
    }

    private ReadOnlyMemory<byte> OwnerOrNew(ReadOnlyMemory<byte> ownerId)
    {
        if (ownerId.IsEmpty)
        {
            return RandomNumberGenerator.GetBytes(GeneratedOwnerIdBytes);
        }

        ValidateOwner(ownerId);
        return ownerId;
    }

    /// <summary>Half the delay plus a random part of the other half, so racing waiters spread out.</summary>
    private TimeSpan Jittered(TimeSpan delay)
    {
        double fraction;
        lock (_randomGate)
        {
            fraction = _random.NextDouble();
        }

        long half = delay.Ticks / 2;
        return TimeSpan.FromTicks(Math.Max(1, half + (long)(half * fraction)));
    }

    private static void ValidateKey(string key)
    {
        if (key is null)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, "lock key is null; pass the name of the lock");
        }
    }

    private static void ValidateTtl(TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero)
        {
            throw new DkvException(
                DkvErrorCode.InvalidArgument,
                $"lock ttl is {ttl}; it must be positive (a lock without a ttl would outlive a crashed holder)");
        }
    }

    private void ValidateOwner(ReadOnlyMemory<byte> ownerId)
    {
        if (ownerId.IsEmpty)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, "owner id is empty; pass the owner id that AcquireLockAsync returned");
        }

        if (ownerId.Length > _options.MaxOwnerIdBytes)
        {
            throw new DkvException(
                DkvErrorCode.TooLarge,
                $"owner id is {ownerId.Length} bytes, over the limit of {_options.MaxOwnerIdBytes} (LockManagerOptions.MaxOwnerIdBytes); use a shorter id such as 16 random bytes");
        }
    }
}
