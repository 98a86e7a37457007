namespace DKV.Consensus.Raft;

/// <summary>
/// The only source of randomness the core uses (for election timeouts). Injected so a run replays from its seed.
/// </summary>
public interface IRandomSource
{
    /// <summary>A uniformly distributed integer in [0, <paramref name="maxExclusive"/>). <paramref name="maxExclusive"/> is at least 1.</summary>
    int NextInt(int maxExclusive);
}
