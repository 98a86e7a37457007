namespace DKV.Core.Stores;

/// <summary>The outcome of a store read.</summary>
/// <param name="Found">Present, not expired and not deleted.</param>
/// <param name="Value">The value when found; empty otherwise. Callers must not modify it.</param>
/// <param name="Index">The write index of the write that last changed the key; 0 when not found.</param>
public readonly record struct GetResult(bool Found, ReadOnlyMemory<byte> Value, ulong Index)
{
    public static GetResult NotFound => default;
}
