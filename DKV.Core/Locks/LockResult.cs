namespace DKV.Core.Locks;

/// <summary>The outcome of an acquire or refresh.</summary>
/// <param name="Acquired">Whether the caller holds the lock now.</param>
/// <param name="OwnerId">The caller's owner id when acquired; empty otherwise.</param>
/// <param name="FencingToken">
/// When acquired: a number that strictly increases every time the lock changes hands (the write index of the holding write).
/// A protected resource accepts a request only with a token at least as large as the largest it has seen. 0 when not acquired.
/// </param>
public readonly record struct LockResult(bool Acquired, ReadOnlyMemory<byte> OwnerId, ulong FencingToken)
{
    public static LockResult NotAcquired => default;
}
