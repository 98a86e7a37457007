using System.Diagnostics;

namespace DKV.Testing.Linearizability;

/// <summary>
/// The Wing–Gong / Lowe search over one partition, as in Porcupine's <c>checkSingle</c>: call and return events in a doubly
/// linked list sorted by time; a call is "lifted" (linearized) when the model accepts it, the search backtracks when a return is
/// reached with its call not yet linearized, and a cache of (linearized set, state) prunes states already explored.
/// </summary>
internal sealed class PartitionSearch<TState, TInput, TOutput>
{
    private const int DeadlineCheckInterval = 4096;

    private readonly IModel<TState, TInput, TOutput> _model;
    private readonly List<Operation<TInput, TOutput>> _ops;
    private readonly long _maxSteps;
    private readonly long _deadlineTimestamp;
    private readonly CancellationToken _cancellation;

    // Entry 0 is the head sentinel; entry 1 + 2k is the call of op k's slot order, matched through _match.
    private readonly int[] _next;
    private readonly int[] _prev;
    private readonly int[] _opOf;
    private readonly int[] _match;
    private readonly Dictionary<long, List<(Bitset Linearized, TState State)>> _cache = [];

    private int[] _longest = [];

    public PartitionSearch(IModel<TState, TInput, TOutput> model, List<Operation<TInput, TOutput>> ops, long maxSteps, long deadlineTimestamp, CancellationToken cancellation)
    {
        _model = model;
        _ops = ops;
        _maxSteps = maxSteps;
        _deadlineTimestamp = deadlineTimestamp;
        _cancellation = cancellation;
        int entries = (2 * ops.Count) + 1;
        _next = new int[entries];
        _prev = new int[entries];
        _opOf = new int[entries];
        _match = new int[entries];
        BuildList();
    }

    public long Steps { get; private set; }

    /// <summary>The longest linearizable prefix found, as operation indexes in order (filled on a violation).</summary>
    public IReadOnlyList<int> LongestPrefix => _longest;

    /// <summary>The operation whose return blocked the longest prefix, or -1.</summary>
    public int BlockedOperation { get; private set; } = -1;

    public CheckVerdict Run()
    {
        var linearized = new Bitset(_ops.Count);
        var calls = new Stack<(int Entry, TState State)>();
        TState state = _model.Init();
        int entry = _next[0];
        while (_next[0] != -1)
        {
            if (!WithinBudget())
            {
                return CheckVerdict.Unknown;
            }

            if (_match[entry] > 0)
            {
                entry = TryLift(entry, linearized, calls, ref state);
                continue;
            }

            // A return whose call is not linearized yet: undo the most recent lift and try the next candidate.
            RecordLongest(calls, _opOf[entry]);
            if (calls.Count == 0)
            {
                return CheckVerdict.NotLinearizable;
            }

            (int top, TState previous) = calls.Pop();
            state = previous;
            linearized.Clear(_opOf[top]);
            Unlift(top);
            entry = _next[top];
        }

        return CheckVerdict.Linearizable;
    }

    private int TryLift(int entry, Bitset linearized, Stack<(int Entry, TState State)> calls, ref TState state)
    {
        int op = _opOf[entry];
        Operation<TInput, TOutput> operation = _ops[op];
        if (!_model.Step(state, operation.Input, operation.Output, out TState next))
        {
            return _next[entry];
        }

        Bitset candidate = linearized.Clone();
        candidate.Set(op);
        if (!AddToCache(candidate, next))
        {
            return _next[entry];
        }

        calls.Push((entry, state));
        state = next;
        linearized.Set(op);
        Lift(entry);
        return _next[0];
    }

    private bool WithinBudget()
    {
        Steps++;
        if (Steps > _maxSteps)
        {
            return false;
        }

        if (Steps % DeadlineCheckInterval == 0)
        {
            return Stopwatch.GetTimestamp() < _deadlineTimestamp && !_cancellation.IsCancellationRequested;
        }

        return true;
    }

    private bool AddToCache(Bitset linearized, TState state)
    {
        long key = linearized.Hash() ^ unchecked((long)((ulong)_model.StateHash(state) * 0x9E3779B97F4A7C15UL));
        if (!_cache.TryGetValue(key, out var bucket))
        {
            bucket = [];
            _cache[key] = bucket;
        }

        foreach ((Bitset seenSet, TState seenState) in bucket)
        {
            if (seenSet.Equals(linearized) && _model.StateEquals(seenState, state))
            {
                return false;
            }
        }

        bucket.Add((linearized, state));
        return true;
    }

    private void RecordLongest(Stack<(int Entry, TState State)> calls, int blockedOp)
    {
        if (calls.Count < _longest.Length || (calls.Count == _longest.Length && BlockedOperation >= 0))
        {
            return;
        }

        var order = new int[calls.Count];
        int i = calls.Count - 1;
        foreach ((int callEntry, _) in calls)
        {
            order[i--] = _opOf[callEntry];
        }

        _longest = order;
        BlockedOperation = blockedOp;
    }

    private void Lift(int call)
    {
        int ret = _match[call];
        _next[_prev[call]] = _next[call];
        _prev[_next[call]] = _prev[call];
        _next[_prev[ret]] = _next[ret];
        if (_next[ret] != -1)
        {
            _prev[_next[ret]] = _prev[ret];
        }
    }

    private void Unlift(int call)
    {
        int ret = _match[call];
        _next[_prev[ret]] = ret;
        if (_next[ret] != -1)
        {
            _prev[_next[ret]] = ret;
        }

        _next[_prev[call]] = call;
        _prev[_next[call]] = call;
    }

    /// <summary>
    /// Within each run of calls between two returns, moves calls of operations with an unknown outcome after the others. Sound:
    /// a call is a candidate exactly when every return before it is linearized, and the move crosses no return. It makes the
    /// depth-first search try definite operations first, so unknown writes are applied only when they are needed.
    /// </summary>
    private void PutPendingCallsLast(List<(long Time, int Kind, int Op)> events)
    {
        int runStart = 0;
        for (int i = 0; i <= events.Count; i++)
        {
            if (i < events.Count && events[i].Kind == 0)
            {
                continue;
            }

            if (i - runStart > 1)
            {
                var run = events.GetRange(runStart, i - runStart);
                var ordered = run.Where(e => !_ops[e.Op].IsPending).Concat(run.Where(e => _ops[e.Op].IsPending)).ToList();
                for (int k = 0; k < ordered.Count; k++)
                {
                    events[runStart + k] = ordered[k];
                }
            }

            runStart = i + 1;
        }
    }

    private void BuildList()
    {
        // Events sorted by time; at equal times calls come before returns (closed intervals), then by operation order.
        var events = new List<(long Time, int Kind, int Op)>(2 * _ops.Count);
        for (int op = 0; op < _ops.Count; op++)
        {
            events.Add((_ops[op].CallTime, 0, op));
            events.Add((_ops[op].ReturnTime, 1, op));
        }

        events.Sort();
        PutPendingCallsLast(events);
        var callEntry = new int[_ops.Count];
        int previous = 0;
        _prev[0] = -1;
        for (int i = 0; i < events.Count; i++)
        {
            int entry = i + 1;
            (_, int kind, int op) = events[i];
            _opOf[entry] = op;
            if (kind == 0)
            {
                callEntry[op] = entry;
            }
            else
            {
                _match[callEntry[op]] = entry;
            }

            _next[previous] = entry;
            _prev[entry] = previous;
            previous = entry;
        }

        _next[previous] = -1;
    }
}
