namespace DKV.Testing.Linearizability.Models;

/// <summary>The operations of the key-value model.</summary>
public enum KvOperationKind
{
    /// <summary>Read a key: found and value, or not found.</summary>
    Get,

    /// <summary>Write a value unconditionally.</summary>
    Set,

    /// <summary>Remove a key; applied = the key existed.</summary>
    Delete,

    /// <summary>Write only when the key is absent; applied = it was absent.</summary>
    SetIfUnset,

    /// <summary>Remove only when the key holds the expected value; applied = it did.</summary>
    CompareAndDelete,
}
