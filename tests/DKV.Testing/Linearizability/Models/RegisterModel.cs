namespace DKV.Testing.Linearizability.Models;

/// <summary>
/// One integer register with read / write / compare-and-set, empty (nil) at the start: the model of the jepsen-etcd histories.
/// A compare-and-set that failed is a definite answer: the register did not hold the expected value at its linearization point.
/// </summary>
public sealed class RegisterModel : IModel<int?, RegisterInput, RegisterOutput>
{
    /// <summary>The shared instance.</summary>
    public static RegisterModel Instance { get; } = new();

    /// <inheritdoc />
    public int? Init() => null;

    /// <inheritdoc />
    public bool Step(int? state, RegisterInput input, RegisterOutput output, out int? next)
    {
        switch (input.Kind)
        {
            case RegisterOperationKind.Read:
                next = state;
                return output.IsUnknown || output.Value == state;
            case RegisterOperationKind.Write:
                next = input.Value;
                return true;
            case RegisterOperationKind.CompareAndSet:
                bool matches = state == input.Expected;
                next = matches ? input.Value : state;
                return output.IsUnknown || output.Ok == matches;
            default:
                throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "unknown register operation kind");
        }
    }

    /// <inheritdoc />
    public bool StateEquals(int? left, int? right) => left == right;

    /// <inheritdoc />
    public int StateHash(int? state) => state ?? int.MinValue;

    /// <inheritdoc />
    public string PartitionKey(RegisterInput input) => "register";

    /// <inheritdoc />
    public string Describe(RegisterInput input, RegisterOutput output)
    {
        string response = output.IsUnknown ? "unknown" : output.Ok ? "ok" : "fail";
        return input.Kind switch
        {
            RegisterOperationKind.Read => $"read -> {(output.IsUnknown ? "unknown" : output.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nil")}",
            RegisterOperationKind.Write => $"write({input.Value}) -> {response}",
            _ => $"cas({input.Expected} -> {input.Value}) -> {response}",
        };
    }

    /// <inheritdoc />
    public string DescribeState(int? state) => state?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nil";
}
