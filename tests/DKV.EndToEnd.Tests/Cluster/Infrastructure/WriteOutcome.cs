namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>What a client knows about one of its writes.</summary>
internal enum WriteOutcome
{
    /// <summary>The store answered: the write took effect exactly once.</summary>
    Acknowledged,

    /// <summary>No answer (timeout, lost connection, internal error): it may or may not have taken effect.</summary>
    MaybeApplied,

    /// <summary>The store said it did not apply it (not leader, unavailable, ...): it must never take effect.</summary>
    NotApplied,
}
