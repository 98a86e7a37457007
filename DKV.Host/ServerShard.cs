using DKV.Core.Rpc;
using DKV.Core.Storage;
using DKV.Core.Stores;

namespace DKV.Host;

/// <summary>
/// One composed shard and what it owns: for a local shard its engine and (when the engine supports it) the collector driving it;
/// a replicated shard owns neither (the consensus node owns the group's engine).
/// </summary>
internal sealed class ServerShard : IDisposable
{
    public ServerShard(RpcShard rpc, IKVDB? engine, EngineCollector? collector)
    {
        Rpc = rpc;
        Engine = engine;
        Collector = collector;
    }

    public RpcShard Rpc { get; }

    public IKVDB? Engine { get; }

    public EngineCollector? Collector { get; }

    /// <summary>Stops the collector first (it waits for a running pass), then disposes the engine, when the shard owns them.</summary>
    public void Dispose()
    {
        Collector?.Dispose();
        Engine?.Dispose();
    }
}
