namespace DKV.Testing.Linearizability;

/// <summary>
/// Records a client history as it happens: a call opens an operation, and it ends as returned, unknown (may have taken effect
/// at any time after its call) or dropped (constrains nothing, e.g. a read that timed out).
/// </summary>
/// <remarks>Not thread-safe: record from one thread (the simulator's), or lock around it.</remarks>
public sealed class History<TInput, TOutput>
{
    private readonly List<Slot> _slots = [];
    private readonly Dictionary<int, int> _openByClient = [];

    /// <summary>Operations still waiting for an outcome.</summary>
    public int OpenCount => _openByClient.Count;

    /// <summary>Opens an operation for <paramref name="clientId"/>; a client may have only one open operation. Returns its handle.</summary>
    public int Call(int clientId, TInput input, long time)
    {
        if (_openByClient.TryGetValue(clientId, out int open))
        {
            throw new InvalidOperationException($"client {clientId} already has operation {open} open; end it (Return, Unknown or Drop) before calling again, or use a new client id.");
        }

        _slots.Add(new Slot(clientId, input, time));
        _openByClient[clientId] = _slots.Count - 1;
        return _slots.Count - 1;
    }

    /// <summary>Ends an operation with a definite response at <paramref name="time"/>.</summary>
    public void Return(int handle, TOutput output, long time) => End(handle, SlotState.Returned, output, time);

    /// <summary>Ends an operation whose outcome is unknown; <paramref name="unknownOutput"/> is the model's "unknown" output.</summary>
    public void Unknown(int handle, TOutput unknownOutput) => End(handle, SlotState.Returned, unknownOutput, Operation<TInput, TOutput>.PendingReturnTime);

    /// <summary>Removes an operation that constrains nothing (a read that never answered, a request never sent).</summary>
    public void Drop(int handle) => End(handle, SlotState.Dropped, default, 0);

    /// <summary>
    /// The finished history. Throws when operations are still open: end each (usually as unknown for writes and dropped for reads) first.
    /// </summary>
    public IReadOnlyList<Operation<TInput, TOutput>> Build()
    {
        if (_openByClient.Count > 0)
        {
            throw new InvalidOperationException($"{_openByClient.Count} operations are still open (clients {string.Join(", ", _openByClient.Keys.Order())}); end them before building the history.");
        }

        return _slots.Where(s => s.State == SlotState.Returned)
            .Select(s => new Operation<TInput, TOutput>(s.ClientId, s.Input, s.Output!, s.CallTime, s.ReturnTime))
            .ToList();
    }

    private void End(int handle, SlotState state, TOutput? output, long time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(handle);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(handle, _slots.Count);
        Slot slot = _slots[handle];
        if (slot.State != SlotState.Open)
        {
            throw new InvalidOperationException($"operation {handle} of client {slot.ClientId} already ended ({slot.State}).");
        }

        if (state == SlotState.Returned)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(time, slot.CallTime);
        }

        slot.State = state;
        slot.Output = output;
        slot.ReturnTime = time;
        _openByClient.Remove(slot.ClientId);
    }

    private enum SlotState
    {
        Open,
        Returned,
        Dropped,
    }

    private sealed class Slot(int clientId, TInput input, long callTime)
    {
        public int ClientId { get; } = clientId;

        public TInput Input { get; } = input;

        public long CallTime { get; } = callTime;

        public SlotState State { get; set; }

        public TOutput? Output { get; set; }

        public long ReturnTime { get; set; }
    }
}
