using DKV.Core.Storage;

namespace DKV.Core.Stores;

/// <summary>Describes a store and the engine under it.</summary>
/// <param name="StoreKind">For example <c>lstore</c> or <c>dstore</c>.</param>
/// <param name="Engine">The engine's figures.</param>
public sealed record StoreInfo(string StoreKind, EngineInfo Engine)
{
    /// <summary>For a replicated store, the answering replica's view of its group; null for a local store.</summary>
    public ReplicaStatus? Replication { get; init; }
}
