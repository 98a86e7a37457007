namespace DKV.Consensus.StateMachine;

/// <summary>
/// One key-value write as it is replicated in the log (encoded by <see cref="KvCommandCodec"/>).
/// </summary>
/// <param name="Operation">The write to perform.</param>
/// <param name="Key">The key (UTF-8 on the wire).</param>
/// <param name="Value">The new value, for the set operations; empty otherwise.</param>
/// <param name="Expected">The value to compare with, for the compare operations; empty otherwise.</param>
/// <param name="ExpireAfter">For SetE-style operations: the time after <paramref name="LeaderTimestampUtcTicks"/> at which the key expires; zero for none.</param>
/// <param name="DeleteAfter">For SetE-style operations: the time after <paramref name="LeaderTimestampUtcTicks"/> at which the key is deleted; zero for none.</param>
/// <param name="LeaderTimestampUtcTicks">
/// The leader's clock (UTC <see cref="DateTime.Ticks"/>) when it accepted the write. Every replica derives deadlines from it, never
/// from its own clock, so all replicas agree.
/// </param>
/// <param name="ClientId">The client session, for de-duplication of retried writes (0 = no session).</param>
/// <param name="Sequence">The client's sequence number for this write within <paramref name="ClientId"/> (starts at 1).</param>
/// <param name="AcknowledgedBelow">
/// The client has received the outcome of every sequence number below this one, so the state machine may forget them; several
/// writes of one client may be in flight at once (thesis section 6.3, extended to a window).
/// </param>
public readonly record struct KvCommand(
    KvOperation Operation,
    string Key,
    ReadOnlyMemory<byte> Value,
    ReadOnlyMemory<byte> Expected,
    TimeSpan ExpireAfter,
    TimeSpan DeleteAfter,
    long LeaderTimestampUtcTicks,
    ulong ClientId,
    ulong Sequence,
    ulong AcknowledgedBelow = 0);
