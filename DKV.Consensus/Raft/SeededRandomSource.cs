namespace DKV.Consensus.Raft;

/// <summary>
/// A deterministic <see cref="IRandomSource"/> (SplitMix64): the same seed gives the same sequence on every platform and
/// runtime version. Not thread-safe; give each node its own instance.
/// </summary>
public sealed class SeededRandomSource : IRandomSource
{
    private ulong _state;

    /// <summary>Creates a source whose whole sequence is fixed by <paramref name="seed"/>.</summary>
    public SeededRandomSource(ulong seed)
    {
        _state = seed;
    }

    /// <inheritdoc/>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExclusive, 1);
        return (int)(NextUInt64() % (ulong)maxExclusive);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
