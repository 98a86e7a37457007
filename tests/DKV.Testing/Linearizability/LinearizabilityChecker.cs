using System.Diagnostics;

namespace DKV.Testing.Linearizability;

/// <summary>
/// Checks a concurrent history against a sequential model: Wing–Gong / Lowe search with Porcupine's pruning cache,
/// partitioned by <see cref="IModel{TState, TInput, TOutput}.PartitionKey"/>.
/// </summary>
/// <remarks>
/// Thread-safe (no shared state). Bounded: the check stops with <see cref="CheckVerdict.Unknown"/> when
/// <see cref="CheckOptions.Timeout"/> or <see cref="CheckOptions.MaxStepsPerPartition"/> runs out, or when cancelled; it never hangs.
/// </remarks>
public static class LinearizabilityChecker
{
    /// <summary>Checks <paramref name="history"/>; see the class remarks for the budgets.</summary>
    public static CheckResult Check<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model,
        IReadOnlyList<Operation<TInput, TOutput>> history,
        CheckOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(history);
        options ??= CheckOptions.Default;
        options.Validate();

        var partitions = Partition(model, history);
        long deadline = Stopwatch.GetTimestamp() + (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);
        var results = new PartitionOutcome[partitions.Count];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism };
        if (options.MaxDegreeOfParallelism == 1)
        {
            for (int i = 0; i < partitions.Count && (i == 0 || results[i - 1].Verdict == CheckVerdict.Linearizable); i++)
            {
                results[i] = CheckPartition(model, partitions[i], options.MaxStepsPerPartition, deadline, stop.Token);
            }
        }
        else
        {
            Parallel.For(0, partitions.Count, parallel, i =>
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                results[i] = CheckPartition(model, partitions[i], options.MaxStepsPerPartition, deadline, stop.Token);
                if (results[i].Verdict == CheckVerdict.NotLinearizable)
                {
                    stop.Cancel();
                }
            });
        }

        return Combine(partitions, results, history.Count);
    }

    private static List<(string Key, List<Operation<TInput, TOutput>> Ops)> Partition<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model, IReadOnlyList<Operation<TInput, TOutput>> history)
    {
        var byKey = new Dictionary<string, List<Operation<TInput, TOutput>>>(StringComparer.Ordinal);
        foreach (var op in history)
        {
            string key = model.PartitionKey(op.Input);
            if (!byKey.TryGetValue(key, out var list))
            {
                list = [];
                byKey[key] = list;
            }

            list.Add(op);
        }

        return byKey.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => (pair.Key, pair.Value)).ToList();
    }

    private static PartitionOutcome CheckPartition<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model,
        (string Key, List<Operation<TInput, TOutput>> Ops) partition,
        long maxSteps,
        long deadline,
        CancellationToken cancellation)
    {
        var search = new PartitionSearch<TState, TInput, TOutput>(model, partition.Ops, maxSteps, deadline, cancellation);
        CheckVerdict verdict = search.Run();
        if (verdict != CheckVerdict.NotLinearizable)
        {
            return new PartitionOutcome(verdict, search.Steps, [], null);
        }

        var prefix = new List<string>(search.LongestPrefix.Count);
        TState state = model.Init();
        foreach (int index in search.LongestPrefix)
        {
            var op = partition.Ops[index];
            model.Step(state, op.Input, op.Output, out state);
            prefix.Add($"{Interval(op)} client {op.ClientId}: {model.Describe(op.Input, op.Output)} -> {model.DescribeState(state)}");
        }

        string? blocked = null;
        if (search.BlockedOperation >= 0)
        {
            var op = partition.Ops[search.BlockedOperation];
            blocked = $"{Interval(op)} client {op.ClientId}: {model.Describe(op.Input, op.Output)} (state before: {model.DescribeState(state)})";
        }

        return new PartitionOutcome(verdict, search.Steps, prefix, blocked);
    }

    private static string Interval<TInput, TOutput>(Operation<TInput, TOutput> op) =>
        op.IsPending ? $"[{op.CallTime}, unknown]" : $"[{op.CallTime}, {op.ReturnTime}]";

    private static CheckResult Combine<TInput, TOutput>(
        List<(string Key, List<Operation<TInput, TOutput>> Ops)> partitions, PartitionOutcome[] results, int operationCount)
    {
        long steps = results.Sum(r => r?.Steps ?? 0);
        int count = partitions.Count;
        for (int i = 0; i < count; i++)
        {
            if (results[i]?.Verdict == CheckVerdict.NotLinearizable)
            {
                return new CheckResult(CheckVerdict.NotLinearizable, partitions[i].Key, results[i].Prefix, results[i].Blocked, count, operationCount, steps);
            }
        }

        for (int i = 0; i < count; i++)
        {
            if (results[i] is null || results[i].Verdict == CheckVerdict.Unknown)
            {
                return new CheckResult(CheckVerdict.Unknown, partitions[i].Key, [], null, count, operationCount, steps);
            }
        }

        return new CheckResult(CheckVerdict.Linearizable, null, [], null, count, operationCount, steps);
    }

    private sealed record PartitionOutcome(CheckVerdict Verdict, long Steps, IReadOnlyList<string> Prefix, string? Blocked);
}
