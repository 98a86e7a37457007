namespace DKV.Core.Stores;

/// <summary>How often and how much <see cref="EngineCollector"/> collects. Validated by <see cref="Validate"/> when the collector is created.</summary>
public sealed record EngineCollectorOptions
{
    /// <summary>Time between collection passes.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Most entries one pass may change (the <c>maxEntries</c> given to <see cref="Storage.IKVDB.Collect"/>), so a pass stays short.</summary>
    public int MaxEntriesPerPass { get; init; } = 10_000;

    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Interval, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Interval, TimeSpan.FromHours(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEntriesPerPass, 1);
    }
}
