namespace DKV.Testing.Linearizability;

/// <summary>Budgets for one check. Linearizability checking is NP-complete, so every check is bounded and may answer Unknown.</summary>
public sealed record CheckOptions
{
    /// <summary>Defaults: 10 s, 20 million search steps per partition, partitions checked one after another.</summary>
    public static CheckOptions Default { get; } = new();

    /// <summary>Wall-clock budget for the whole history. Must be positive.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Search steps (lift or backtrack attempts) allowed per partition. Must be positive.</summary>
    public long MaxStepsPerPartition { get; init; } = 20_000_000;

    /// <summary>How many partitions may be checked at once. 1 checks them in key order on the calling thread.</summary>
    public int MaxDegreeOfParallelism { get; init; } = 1;

    /// <summary>Throws when a budget is out of range, naming the option and the value.</summary>
    public void Validate()
    {
        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "CheckOptions.Timeout must be positive; use e.g. 10 s.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStepsPerPartition, 1, nameof(MaxStepsPerPartition));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDegreeOfParallelism, 1, nameof(MaxDegreeOfParallelism));
    }
}
