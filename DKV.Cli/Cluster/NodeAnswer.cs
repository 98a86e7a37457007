using DKV.Core.Rpc;
using DKV.Core.Stores;

namespace DKV.Cli.Cluster;

/// <summary>What one endpoint said: the shards it serves and each asked shard's store info, or why it could not be asked.</summary>
/// <param name="Endpoint">The endpoint as given in <c>--endpoints</c>.</param>
/// <param name="Error">Why the endpoint could not be reached or listed; null when it answered.</param>
/// <param name="Shards">The shards it serves (empty when unreachable).</param>
/// <param name="Infos">Per asked shard it serves: the store info, or the error text of the <c>dbInfo</c> request.</param>
internal sealed record NodeAnswer(
    string Endpoint,
    string? Error,
    IReadOnlyList<ShardDescription> Shards,
    IReadOnlyDictionary<ulong, (StoreInfo? Info, string? Error)> Infos)
{
    public static NodeAnswer Unreachable(string endpoint, string error) => new(endpoint, error, [], new Dictionary<ulong, (StoreInfo?, string?)>());
}
