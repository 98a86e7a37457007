namespace DKV.Core.Stores;

/// <summary>Limits and tuning for <see cref="LocalStore"/>. Validated by <see cref="Validate"/> when the store is created.</summary>
public sealed record LocalStoreOptions
{
    /// <summary>Largest key accepted, in UTF-8 bytes; longer keys fail with <see cref="Errors.DkvErrorCode.TooLarge"/>.</summary>
    public int MaxKeyBytes { get; init; } = 16 * 1024;

    /// <summary>
    /// Largest value (and compare-value) accepted, in bytes; larger ones fail with <see cref="Errors.DkvErrorCode.TooLarge"/>.
    /// The default leaves room for a maximal key and the message header inside the default 16 MiB transport frame.
    /// </summary>
    public int MaxValueBytes { get; init; } = 15 * 1024 * 1024;

    /// <summary>
    /// Number of lock stripes that order writes per key (a power of two). More stripes let more writes to different keys
    /// run in parallel; writes to one key are always serialized.
    /// </summary>
    public int WriteLockStripes { get; init; } = 256;

    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxKeyBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxValueBytes, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(WriteLockStripes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(WriteLockStripes, 1 << 16);
        if (!int.IsPow2(WriteLockStripes))
        {
            throw new ArgumentOutOfRangeException(
                nameof(WriteLockStripes), WriteLockStripes, "WriteLockStripes must be a power of two, for example 256");
        }
    }
}
