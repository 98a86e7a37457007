namespace DKV.Testing.Linearizability.Models;

/// <summary>The operations of the string key-value model of the kv-append histories.</summary>
public enum AppendOperationKind
{
    /// <summary>Read the whole string ("" for a key never written).</summary>
    Get,

    /// <summary>Replace the string.</summary>
    Put,

    /// <summary>Concatenate to the string.</summary>
    Append,
}
