namespace DKV.Testing.Linearizability.Models;

/// <summary>A register request: the value to write, and for compare-and-set the value expected.</summary>
public readonly record struct RegisterInput(RegisterOperationKind Kind, int Value, int Expected)
{
    /// <summary>A read.</summary>
    public static RegisterInput Read() => new(RegisterOperationKind.Read, 0, 0);

    /// <summary>A write of <paramref name="value"/>.</summary>
    public static RegisterInput Write(int value) => new(RegisterOperationKind.Write, value, 0);

    /// <summary>A compare-and-set from <paramref name="expected"/> to <paramref name="value"/>.</summary>
    public static RegisterInput CompareAndSet(int expected, int value) => new(RegisterOperationKind.CompareAndSet, value, expected);
}
