using DKV.Core.Storage;

namespace DKV.Core.Stores;

/// <summary>Describes a store and the engine under it.</summary>
/// <param name="StoreKind">For example <c>lstore</c> or <c>dstore</c>.</param>
/// <param name="Engine">The engine's figures.</param>
public sealed record StoreInfo(string StoreKind, EngineInfo Engine);
