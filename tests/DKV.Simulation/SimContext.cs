namespace DKV.Simulation;

/// <summary>What nodes, clients and the network share in one run: the clock, the event queue, the trace and the fault profile.</summary>
internal sealed class SimContext(FaultProfile profile, TraceHash trace)
{
    private readonly PriorityQueue<SimEvent, (long Time, long Sequence)> _queue = new();
    private long _sequence;

    public FaultProfile Profile { get; } = profile;

    public TraceHash Trace { get; } = trace;

    /// <summary>Simulated milliseconds since the start.</summary>
    public long Now { get; private set; }

    /// <summary>When false (convergence phase) the network neither drops nor duplicates and no new faults start.</summary>
    public bool FaultsOn { get; set; } = true;

    public int QueueLength => _queue.Count;

    /// <summary>Session writes answered with an earlier copy's outcome (retries the state machine did not apply again).</summary>
    public int Deduplicated { get; set; }

    /// <summary>Tests only: see <see cref="SimOptions.PlantSessionBug"/>.</summary>
    public bool PlantSessionBug { get; init; }

    public void Schedule(long time, SimEvent simEvent)
    {
        if (time < Now)
        {
            throw new InvalidOperationException($"event {simEvent.Kind} scheduled at {time} ms, before now ({Now} ms)");
        }

        _queue.Enqueue(simEvent, (time, _sequence++));
    }

    public bool TryNext(out SimEvent simEvent)
    {
        if (!_queue.TryDequeue(out simEvent, out var priority))
        {
            return false;
        }

        Now = priority.Time;
        return true;
    }
}
