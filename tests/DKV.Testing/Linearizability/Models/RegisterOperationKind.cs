namespace DKV.Testing.Linearizability.Models;

/// <summary>The operations of the single-register model (the jepsen-etcd histories).</summary>
public enum RegisterOperationKind
{
    /// <summary>Read the register (nil before the first write).</summary>
    Read,

    /// <summary>Write a value.</summary>
    Write,

    /// <summary>Compare-and-set: write <see cref="RegisterInput.Value"/> only when the register holds <see cref="RegisterInput.Expected"/>.</summary>
    CompareAndSet,
}
