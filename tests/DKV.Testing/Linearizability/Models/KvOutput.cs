namespace DKV.Testing.Linearizability.Models;

/// <summary>
/// A key-value response. For <see cref="KvOperationKind.Get"/>, <see cref="Value"/> is the value read (null = not found).
/// For writes, <see cref="Applied"/> is the flag the store reported (null = not reported, so not checked).
/// </summary>
public readonly record struct KvOutput(bool IsUnknown, bool? Applied, string? Value)
{
    /// <summary>The outcome is unknown (timeout, lost connection): the write may or may not have happened.</summary>
    public static KvOutput Unknown { get; } = new(true, null, null);

    /// <summary>A read that found nothing.</summary>
    public static KvOutput NotFound { get; } = new(false, null, null);

    /// <summary>A read that found <paramref name="value"/>.</summary>
    public static KvOutput Found(string value) => new(false, null, value);

    /// <summary>A write that completed, with its applied flag if the store reports one.</summary>
    public static KvOutput Done(bool? applied) => new(false, applied, null);
}
