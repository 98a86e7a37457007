namespace DKV.Testing.Linearizability.Models;

/// <summary>A key-value request. <see cref="Value"/> is the value to write, or the expected value for compare-and-delete.</summary>
public readonly record struct KvInput(KvOperationKind Kind, string Key, string? Value)
{
    /// <summary>A read of <paramref name="key"/>.</summary>
    public static KvInput Get(string key) => new(KvOperationKind.Get, key, null);

    /// <summary>An unconditional write.</summary>
    public static KvInput Set(string key, string value) => new(KvOperationKind.Set, key, value);

    /// <summary>A delete.</summary>
    public static KvInput Delete(string key) => new(KvOperationKind.Delete, key, null);

    /// <summary>A write that applies only when the key is absent.</summary>
    public static KvInput SetIfUnset(string key, string value) => new(KvOperationKind.SetIfUnset, key, value);

    /// <summary>A delete that applies only when the key holds <paramref name="expected"/>.</summary>
    public static KvInput CompareAndDelete(string key, string expected) => new(KvOperationKind.CompareAndDelete, key, expected);

    /// <summary>True for reads (a read whose outcome is unknown constrains nothing and should be dropped).</summary>
    public bool IsRead => Kind == KvOperationKind.Get;
}
