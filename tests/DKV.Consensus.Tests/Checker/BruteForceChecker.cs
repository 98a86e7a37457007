using System.Collections.Immutable;
using DKV.Testing.Linearizability;

namespace DKV.Consensus.Tests.Checker;

/// <summary>
/// The reference the real checker is compared with: tries every order of the operations that respects real time
/// (an operation may go next only if no other remaining operation returned before it was called), with no cache, no linked
/// list and no partitioning (one model state per partition key, all in one map). Exponential: only for tiny histories.
/// </summary>
internal static class BruteForceChecker
{
    public static bool IsLinearizable<TState, TInput, TOutput>(IModel<TState, TInput, TOutput> model, IReadOnlyList<Operation<TInput, TOutput>> ops)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ops.Count, 12, nameof(ops));
        var placed = new bool[ops.Count];
        return Search(model, ops, placed, 0, ImmutableDictionary<string, TState>.Empty.WithComparers(StringComparer.Ordinal));
    }

    private static bool Search<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model, IReadOnlyList<Operation<TInput, TOutput>> ops, bool[] placed, int count, ImmutableDictionary<string, TState> states)
    {
        if (count == ops.Count)
        {
            return true;
        }

        long earliestReturn = long.MaxValue;
        for (int i = 0; i < ops.Count; i++)
        {
            if (!placed[i])
            {
                earliestReturn = Math.Min(earliestReturn, ops[i].ReturnTime);
            }
        }

        for (int i = 0; i < ops.Count; i++)
        {
            if (placed[i] || ops[i].CallTime > earliestReturn)
            {
                continue;
            }

            string key = model.PartitionKey(ops[i].Input);
            TState state = states.TryGetValue(key, out TState? current) ? current : model.Init();
            if (!model.Step(state, ops[i].Input, ops[i].Output, out TState next))
            {
                continue;
            }

            placed[i] = true;
            bool found = Search(model, ops, placed, count + 1, states.SetItem(key, next));
            placed[i] = false;
            if (found)
            {
                return true;
            }
        }

        return false;
    }
}
