namespace DKV.Consensus.Host;

/// <summary>
/// This process's client session on one group: sequence numbers for its writes and the lowest one still waiting for its
/// outcome (<see cref="StateMachine.KvCommand.AcknowledgedBelow"/>). Thread-safe.
/// </summary>
internal sealed class WriteSession
{
    private readonly SortedSet<ulong> _inFlight = [];
    private readonly Lock _gate = new();
    private ulong _lastSequence;

    /// <summary>Takes the next sequence number and the acknowledgement floor to send with it.</summary>
    public (ulong Sequence, ulong AcknowledgedBelow) Begin()
    {
        lock (_gate)
        {
            ulong sequence = ++_lastSequence;
            _inFlight.Add(sequence);
            return (sequence, _inFlight.Min);
        }
    }

    /// <summary>The caller has its outcome for <paramref name="sequence"/> (success, failure or timeout): it will not be retried.</summary>
    public void End(ulong sequence)
    {
        lock (_gate)
        {
            _inFlight.Remove(sequence);
        }
    }
}
