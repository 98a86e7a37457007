namespace DKV.Testing.Linearizability.Models;

/// <summary>
/// Strings per key with get / put / append, partitioned by key; a key starts as "" (Porcupine's kv model, the kv-append histories).
/// </summary>
public sealed class AppendModel : IModel<string, AppendInput, AppendOutput>
{
    /// <summary>The shared instance.</summary>
    public static AppendModel Instance { get; } = new();

    /// <inheritdoc />
    public string Init() => string.Empty;

    /// <inheritdoc />
    public bool Step(string state, AppendInput input, AppendOutput output, out string next)
    {
        switch (input.Kind)
        {
            case AppendOperationKind.Get:
                next = state;
                return output.IsUnknown || string.Equals(output.Value, state, StringComparison.Ordinal);
            case AppendOperationKind.Put:
                next = input.Value;
                return true;
            case AppendOperationKind.Append:
                next = state + input.Value;
                return true;
            default:
                throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "unknown append operation kind");
        }
    }

    /// <inheritdoc />
    public bool StateEquals(string left, string right) => string.Equals(left, right, StringComparison.Ordinal);

    /// <inheritdoc />
    public int StateHash(string state) => StableHash.Of(state);

    /// <inheritdoc />
    public string PartitionKey(AppendInput input) => input.Key;

    /// <inheritdoc />
    public string Describe(AppendInput input, AppendOutput output) => input.Kind switch
    {
        AppendOperationKind.Get => $"get({input.Key}) -> {(output.IsUnknown ? "unknown" : $"'{output.Value}'")}",
        AppendOperationKind.Put => $"put({input.Key}, '{input.Value}'){(output.IsUnknown ? " -> unknown" : string.Empty)}",
        _ => $"append({input.Key}, '{input.Value}'){(output.IsUnknown ? " -> unknown" : string.Empty)}",
    };

    /// <inheritdoc />
    public string DescribeState(string state) => $"'{state}'";
}
