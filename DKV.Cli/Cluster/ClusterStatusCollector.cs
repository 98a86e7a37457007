using DKV.Cli.Commands;
using DKV.Core.Errors;
using DKV.Core.Rpc;
using DKV.Core.Stores;

namespace DKV.Cli.Cluster;

/// <summary>
/// Asks every endpoint, in parallel and each on its own connection, which shards it serves and each shard's <c>dbInfo</c>.
/// Never throws for an endpoint that fails: that endpoint's answer carries the error instead.
/// </summary>
internal static class ClusterStatusCollector
{
    /// <param name="connector">Resolved client plugins and transport options.</param>
    /// <param name="shards">The shards to ask about; null asks every shard each endpoint serves.</param>
    public static async Task<IReadOnlyList<NodeAnswer>> CollectAsync(ClientConnector connector, IReadOnlyList<ulong>? shards, CancellationToken cancellationToken)
    {
        // One connection per endpoint, so each row is that node's own view (the transport would spread requests over all of them).
        var endpoints = connector.Endpoints
            .SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal);
        var asks = endpoints.Select(endpoint => AskAsync(connector, endpoint, shards, cancellationToken));
        return await Task.WhenAll(asks).ConfigureAwait(false);
    }

    private static async Task<NodeAnswer> AskAsync(ClientConnector connector, string endpoint, IReadOnlyList<ulong>? shards, CancellationToken cancellationToken)
    {
        IReadOnlyList<ShardDescription> served;
        var infos = new Dictionary<ulong, (StoreInfo?, string?)>();
        try
        {
            var transport = await connector.ConnectAsync([endpoint], cancellationToken).ConfigureAwait(false);
            await using (transport.ConfigureAwait(false))
            {
                served = await RemoteShards.ListAsync(transport, connector.Serializer, cancellationToken).ConfigureAwait(false);
                foreach (var shard in served.Where(s => shards is null || shards.Contains(s.Id)))
                {
                    infos[shard.Id] = await InfoAsync(new RemoteStore(transport, connector.Serializer, shard.Id), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (DkvException ex)
        {
            return NodeAnswer.Unreachable(endpoint, ex.Message);
        }

        return new NodeAnswer(endpoint, null, served, infos);
    }

    private static async Task<(StoreInfo?, string?)> InfoAsync(RemoteStore store, CancellationToken cancellationToken)
    {
        try
        {
            return (await store.GetDBInfoAsync(cancellationToken).ConfigureAwait(false), null);
        }
        catch (DkvException ex) when (ex.Code is not DkvErrorCode.ConnectionLost)
        {
            return (null, $"{DkvErrorCodes.ToName(ex.Code)}: {ex.Message}");
        }
    }
}
