using DKV.Consensus.Raft;
using DKV.Core.Stores;

namespace DKV.Consensus.StateMachine;

/// <summary>
/// The replicated state machine the node host applies committed entries to, in log order, one group per instance.
/// </summary>
/// <remarks>
/// <para>Apply must be deterministic: the same entries in the same order give the same state and results on every replica.
/// So it must not read a clock, a random source or any node-local state; time comes from the entry (the leader's timestamp).</para>
/// <para>Called from one thread at a time (the group's apply loop). Reads may run concurrently when the implementation says so.</para>
/// </remarks>
public interface IStateMachine
{
    /// <summary>The index of the last entry applied (or restored from a snapshot); 0 for an empty machine.</summary>
    ulong AppliedIndex { get; }

    /// <summary>
    /// Applies one committed entry. Entries arrive in strictly increasing index order with no gaps after <see cref="AppliedIndex"/>.
    /// Empty entries (a leader's no-op) advance <see cref="AppliedIndex"/> and change nothing else.
    /// </summary>
    /// <returns>
    /// Whether the command took effect, and the index it was ordered at. For a retried client write that an implementation
    /// de-duplicates, the first copy's outcome and index; index 0 when that outcome is no longer known (see
    /// <see cref="KvStateMachine.Apply"/>).
    /// </returns>
    /// <exception cref="Core.Errors.DkvException">The entry's payload is corrupt (<see cref="Core.Errors.DkvErrorCode.Corrupt"/>); the group must stop.</exception>
    WriteResult Apply(in LogEntry entry);

    /// <summary>Writes a consistent image of the state as of <see cref="AppliedIndex"/>, and returns that index.</summary>
    ulong SaveSnapshot(Stream destination);

    /// <summary>
    /// Replaces the whole state with an image written by <see cref="SaveSnapshot"/> and returns its applied index. A corrupt image
    /// throws <see cref="Core.Errors.DkvException"/> (<see cref="Core.Errors.DkvErrorCode.Corrupt"/>) and leaves the state unchanged.
    /// </summary>
    ulong RestoreSnapshot(Stream source);
}
