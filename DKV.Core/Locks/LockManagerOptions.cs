namespace DKV.Core.Locks;

/// <summary>Limits and retry tuning for <see cref="LockManager"/>. Validated by <see cref="Validate"/> when the manager is created.</summary>
public sealed record LockManagerOptions
{
    /// <summary>First pause of a waiting acquire after a failed attempt; each later pause doubles, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest pause between attempts of a waiting acquire (before jitter, which only shortens it).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait a caller may ask for; longer ones fail with <see cref="Errors.DkvErrorCode.InvalidArgument"/>.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Most attempts one waiting acquire makes, whatever its wait.</summary>
    public int MaxAttempts { get; init; } = 100_000;

    /// <summary>Largest owner id accepted, in bytes; larger ones fail with <see cref="Errors.DkvErrorCode.TooLarge"/>.</summary>
    public int MaxOwnerIdBytes { get; init; } = 1024;

    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialRetryDelay, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, InitialRetryDelay);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWait, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOwnerIdBytes, 1);
    }
}
