namespace DKV.Testing.Linearizability.Models;

/// <summary>A kv-append request: the key and, for put and append, the string.</summary>
public readonly record struct AppendInput(AppendOperationKind Kind, string Key, string Value);
