namespace DKV.Core.Locks;

/// <summary>
/// Leases on keys, built on any <see cref="Stores.IStore"/>. Every step that decides ownership is one atomic store operation.
/// </summary>
/// <remarks>
/// A lease-based lock cannot by itself guarantee mutual exclusion (a paused holder may outlive its lease); use the fencing token.
/// Owner ids are chosen by the caller so a retried acquire is idempotent: acquiring again with the id that already holds the lock
/// succeeds and returns the current token.
/// </remarks>
public interface ILockManager
{
    /// <summary>
    /// Tries once to take the lock for <paramref name="ttl"/> (must be positive). When <paramref name="ownerId"/> is empty,
    /// a random 16-byte id is generated and returned.
    /// </summary>
    ValueTask<LockResult> AcquireLockAsync(string key, TimeSpan ttl, ReadOnlyMemory<byte> ownerId = default, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the lock, waiting up to <paramref name="wait"/> while another owner holds it. Returns not acquired when the wait ends first.
    /// </summary>
    ValueTask<LockResult> AcquireLockAsync(string key, TimeSpan ttl, TimeSpan wait, ReadOnlyMemory<byte> ownerId = default, CancellationToken cancellationToken = default);

    /// <summary>Releases the lock if <paramref name="ownerId"/> holds it; returns whether it did. Releasing a lock nobody holds returns false.</summary>
    ValueTask<bool> ReleaseLockAsync(string key, ReadOnlyMemory<byte> ownerId, CancellationToken cancellationToken = default);

    /// <summary>Extends a held lock to <paramref name="ttl"/> from now if <paramref name="ownerId"/> holds it. Returns the new fencing token.</summary>
    ValueTask<LockResult> RefreshLockAsync(string key, ReadOnlyMemory<byte> ownerId, TimeSpan ttl, CancellationToken cancellationToken = default);
}
