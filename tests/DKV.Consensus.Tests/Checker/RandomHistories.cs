using DKV.Testing.Linearizability;
using DKV.Testing.Linearizability.Models;

namespace DKV.Consensus.Tests.Checker;

/// <summary>
/// Small random histories for the checker's self-tests. <see cref="Sequential"/> ones come from a real sequential execution
/// whose operations get jittered, overlapping intervals around their linearization points (so they are linearizable);
/// <see cref="Mutate"/> changes one output or one interval (so they usually are not, and the brute force decides).
/// </summary>
internal sealed class RandomHistories(int seed)
{
    private static readonly string[] s_values = ["1", "2", "3"];

    private readonly Random _random = new(seed);

    public List<Operation<KvInput, KvOutput>> Sequential(int count, int keys)
    {
        var state = new Dictionary<string, string?>(StringComparer.Ordinal);
        var ops = new List<Operation<KvInput, KvOutput>>(count);
        for (int i = 0; i < count; i++)
        {
            KvInput input = RandomKvInput(keys);
            state.TryGetValue(input.Key, out string? before);
            bool unknown = !input.IsRead && _random.Next(8) == 0;
            bool applied = !unknown || _random.Next(2) == 0;
            KvModel.Instance.Step(before, input, KvOutput.Unknown, out string? after);
            KvOutput output = input.IsRead ? (before is null ? KvOutput.NotFound : KvOutput.Found(before)) : KvOutput.Done(Applies(input, before));
            if (applied)
            {
                state[input.Key] = after;
            }

            long point = (i * 10) + 5;
            long call = unknown && !applied ? _random.Next(0, (count * 10) + 20) : point - _random.Next(0, 25);
            long ret = unknown ? Operation<KvInput, KvOutput>.PendingReturnTime : point + _random.Next(0, 25);
            ops.Add(new Operation<KvInput, KvOutput>(i % 4, input, unknown ? KvOutput.Unknown : output, call, ret));
        }

        return ops;
    }

    public List<Operation<KvInput, KvOutput>> Mutate(List<Operation<KvInput, KvOutput>> ops)
    {
        var copy = new List<Operation<KvInput, KvOutput>>(ops);
        int index = _random.Next(copy.Count);
        var op = copy[index];
        if (_random.Next(3) == 0 && !op.IsPending)
        {
            long shift = _random.Next(-40, 41);
            long call = Math.Max(0, op.CallTime + shift);
            copy[index] = new Operation<KvInput, KvOutput>(op.ClientId, op.Input, op.Output, call, Math.Max(call, op.ReturnTime + shift));
            return copy;
        }

        KvOutput output = op.Input.IsRead
            ? (_random.Next(4) == 0 ? KvOutput.NotFound : KvOutput.Found(s_values[_random.Next(s_values.Length)]))
            : KvOutput.Done(_random.Next(2) == 0);
        copy[index] = new Operation<KvInput, KvOutput>(op.ClientId, op.Input, output, op.CallTime, op.ReturnTime);
        return copy;
    }

    public List<Operation<RegisterInput, RegisterOutput>> RandomRegister(int count)
    {
        var ops = new List<Operation<RegisterInput, RegisterOutput>>(count);
        for (int i = 0; i < count; i++)
        {
            long call = _random.Next(0, count * 6);
            bool unknown = _random.Next(8) == 0;
            long ret = unknown ? Operation<RegisterInput, RegisterOutput>.PendingReturnTime : call + _random.Next(0, 20);
            (RegisterInput input, RegisterOutput output) = _random.Next(3) switch
            {
                0 => (RegisterInput.Read(), RegisterOutput.ReadValue(_random.Next(4) == 0 ? null : _random.Next(3))),
                1 => (RegisterInput.Write(_random.Next(3)), RegisterOutput.Completed(true)),
                _ => (RegisterInput.CompareAndSet(_random.Next(3), _random.Next(3)), RegisterOutput.Completed(_random.Next(2) == 0)),
            };
            if (unknown && input.Kind == RegisterOperationKind.Read)
            {
                continue;
            }

            ops.Add(new Operation<RegisterInput, RegisterOutput>(i, input, unknown ? RegisterOutput.Unknown : output, call, ret));
        }

        return ops;
    }

    public List<Operation<AppendInput, AppendOutput>> RandomAppend(int count)
    {
        var ops = new List<Operation<AppendInput, AppendOutput>>(count);
        var written = new List<string> { string.Empty };
        for (int i = 0; i < count; i++)
        {
            long call = _random.Next(0, count * 6);
            long ret = call + _random.Next(0, 20);
            string key = _random.Next(2) == 0 ? "a" : "b";
            string piece = ((char)('x' + _random.Next(3))).ToString();
            var input = _random.Next(3) switch
            {
                0 => new AppendInput(AppendOperationKind.Get, key, string.Empty),
                1 => new AppendInput(AppendOperationKind.Put, key, piece),
                _ => new AppendInput(AppendOperationKind.Append, key, piece),
            };
            string guess = written[_random.Next(written.Count)] + (_random.Next(2) == 0 ? piece : string.Empty);
            written.Add(guess);
            ops.Add(new Operation<AppendInput, AppendOutput>(i, input, new AppendOutput(false, guess), call, ret));
        }

        return ops;
    }

    private static bool Applies(KvInput input, string? before) => input.Kind switch
    {
        KvOperationKind.Delete => before is not null,
        KvOperationKind.SetIfUnset => before is null,
        KvOperationKind.CompareAndDelete => before == input.Value,
        _ => true,
    };

    private KvInput RandomKvInput(int keys)
    {
        string key = ((char)('a' + _random.Next(keys))).ToString();
        string value = s_values[_random.Next(s_values.Length)];
        return _random.Next(10) switch
        {
            < 4 => KvInput.Get(key),
            < 6 => KvInput.Set(key, value),
            6 => KvInput.Delete(key),
            7 => KvInput.SetIfUnset(key, value),
            _ => KvInput.CompareAndDelete(key, value),
        };
    }
}
