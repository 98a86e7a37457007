namespace DKV.Testing.Linearizability.Models;

/// <summary>A register response: the value read (null = nil), or whether a compare-and-set succeeded.</summary>
public readonly record struct RegisterOutput(bool IsUnknown, bool Ok, int? Value)
{
    /// <summary>The outcome is unknown: the write may or may not have happened.</summary>
    public static RegisterOutput Unknown { get; } = new(true, false, null);

    /// <summary>A read that returned <paramref name="value"/> (null = nil).</summary>
    public static RegisterOutput ReadValue(int? value) => new(false, true, value);

    /// <summary>A completed write, or a compare-and-set that succeeded (true) or definitely failed its comparison (false).</summary>
    public static RegisterOutput Completed(bool ok) => new(false, ok, null);
}
