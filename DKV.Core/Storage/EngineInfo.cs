namespace DKV.Core.Storage;

/// <summary>A point-in-time description of an engine, for operators. Numbers may be estimates; <see cref="Metadata"/> says which.</summary>
/// <param name="EngineName">The engine's registered name.</param>
/// <param name="KeyCount">Entries held, including expired and deleted ones the collector has not removed yet.</param>
/// <param name="SizeBytes">Approximate bytes held by keys and values.</param>
/// <param name="WriteIndex">The highest write index seen.</param>
/// <param name="Features">What the engine supports.</param>
/// <param name="Metadata">Engine-specific figures (shard balance, collector backlog ...), as name and value.</param>
public sealed record EngineInfo(
    string EngineName,
    long KeyCount,
    long SizeBytes,
    ulong WriteIndex,
    EngineFeatures Features,
    IReadOnlyDictionary<string, string> Metadata);
