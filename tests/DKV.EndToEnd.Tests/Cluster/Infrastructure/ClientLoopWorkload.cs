namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>
/// What the cluster loads share: clients connected round robin over the nodes (client i to node i mod N), one loop per client,
/// stop after the current operation, dispose the clients. Subclasses write the loop.
/// </summary>
internal abstract class ClientLoopWorkload : IAsyncDisposable
{
    private readonly List<ClusterClient> _clients = [];
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The connected clients, by index.</summary>
    protected IReadOnlyList<ClusterClient> Clients => _clients;

    /// <summary>True once <see cref="StopAsync"/> or dispose asked the loops to end.</summary>
    protected bool Stopping => _stop.IsCancellationRequested;

    /// <summary>Stops the loops after their current operation and waits for them; rethrows an unexpected failure of a loop.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops);
        }
        finally
        {
            foreach (var client in _clients)
            {
                await client.DisposeAsync();
            }

            _stop.Dispose();
        }
    }

    /// <summary>Connects <paramref name="clientCount"/> clients of <paramref name="load"/> and starts a loop for each.</summary>
    protected static async Task<T> StartAsync<T>(T load, ClusterHarness cluster, int clientCount, TimeSpan requestTimeout)
        where T : ClientLoopWorkload
    {
        try
        {
            for (int i = 0; i < clientCount; i++)
            {
                var node = cluster.Nodes[i % cluster.Nodes.Count];
                load._clients.Add(await ClusterClient.ConnectAsync(node.ClientEndpoint, requestTimeout, maxAttempts: 3));
            }
        }
        catch
        {
            await load.DisposeAsync();
            throw;
        }

        for (int i = 0; i < clientCount; i++)
        {
            int client = i;
            load._loops.Add(Task.Run(() => load.RunClientAsync(client)));
        }

        return load;
    }

    /// <summary>One client's loop: runs operations until <see cref="Stopping"/>.</summary>
    protected abstract Task RunClientAsync(int client);
}
