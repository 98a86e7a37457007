namespace DKV.Testing.Linearizability.Models;

/// <summary>
/// The sequential key-value store the simulator's clients talk to: get / set / delete / set-if-unset / compare-and-delete,
/// partitioned per key. The state of a partition is the key's value, null when absent.
/// </summary>
public sealed class KvModel : IModel<string?, KvInput, KvOutput>
{
    /// <summary>The shared instance (the model has no state of its own).</summary>
    public static KvModel Instance { get; } = new();

    /// <inheritdoc />
    public string? Init() => null;

    /// <inheritdoc />
    public bool Step(string? state, KvInput input, KvOutput output, out string? next)
    {
        bool applies;
        switch (input.Kind)
        {
            case KvOperationKind.Get:
                next = state;
                return output.IsUnknown || string.Equals(output.Value, state, StringComparison.Ordinal);
            case KvOperationKind.Set:
                applies = true;
                next = input.Value;
                break;
            case KvOperationKind.Delete:
                applies = state is not null;
                next = null;
                break;
            case KvOperationKind.SetIfUnset:
                applies = state is null;
                next = applies ? input.Value : state;
                break;
            case KvOperationKind.CompareAndDelete:
                applies = state is not null && string.Equals(state, input.Value, StringComparison.Ordinal);
                next = applies ? null : state;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "unknown key-value operation kind");
        }

        return output.IsUnknown || output.Applied is null || output.Applied == applies;
    }

    /// <inheritdoc />
    public bool StateEquals(string? left, string? right) => string.Equals(left, right, StringComparison.Ordinal);

    /// <inheritdoc />
    public int StateHash(string? state) => StableHash.Of(state);

    /// <inheritdoc />
    public string PartitionKey(KvInput input) => input.Key;

    /// <inheritdoc />
    public string Describe(KvInput input, KvOutput output)
    {
        string request = input.Kind switch
        {
            KvOperationKind.Get => $"get({input.Key})",
            KvOperationKind.Delete => $"delete({input.Key})",
            KvOperationKind.CompareAndDelete => $"compare-and-delete({input.Key}, '{input.Value}')",
            KvOperationKind.SetIfUnset => $"set-if-unset({input.Key}, '{input.Value}')",
            _ => $"set({input.Key}, '{input.Value}')",
        };
        string response = output.IsUnknown ? "unknown"
            : input.Kind == KvOperationKind.Get ? (output.Value is null ? "not found" : $"'{output.Value}'")
            : output.Applied is null ? "ok" : (output.Applied.Value ? "applied" : "not applied");
        return $"{request} -> {response}";
    }

    /// <inheritdoc />
    public string DescribeState(string? state) => state is null ? "absent" : $"'{state}'";
}
