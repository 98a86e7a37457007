using DKV.Core.Locks;
using DKV.Core.Plugins;
using DKV.Core.Rpc;
using DKV.Core.Serialization;
using DKV.Core.Stores;
using DKV.Core.Transport;
using DKV.EndToEnd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>
/// A client of one cluster node through the application's client API (tcp, binary serializer), with a per-request timeout the
/// test chooses. The plugins are loaded once per test process and shared by every client. The connection re-dials in the
/// background after the node restarts.
/// </summary>
internal sealed class ClusterClient : IAsyncDisposable
{
    private static readonly Lazy<(PluginCatalog Catalog, ServiceProvider Services)> s_plugins = new(LoadPlugins);

    private readonly IClientTransport _transport;
    private readonly IRpcSerializer _serializer;

    private ClusterClient(IClientTransport transport, IRpcSerializer serializer, string endpoint)
    {
        _transport = transport;
        _serializer = serializer;
        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    /// <summary>Connects to <paramref name="endpoint"/>; fails with a DkvException (Unavailable) when the node does not answer within the connect deadline.</summary>
    public static async Task<ClusterClient> ConnectAsync(string endpoint, TimeSpan requestTimeout, int maxAttempts = 1, TimeSpan? connectDeadline = null)
    {
        var (catalog, services) = s_plugins.Value;
        var serializer = catalog.Resolve<IRpcSerializer>(services, "binary");
        var transport = catalog.Resolve<ITransportFactory>(services, "tcp").CreateClient(
            new ClientTransportOptions
            {
                Endpoints = [endpoint],
                SerializerName = "binary",
                RequestTimeout = requestTimeout,
                MaxAttempts = maxAttempts,
                MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
            },
            NullLoggerFactory.Instance);
        try
        {
            using var deadline = new CancellationTokenSource(connectDeadline ?? TimeSpan.FromSeconds(10));
            await transport.ConnectAsync(deadline.Token);
        }
        catch
        {
            await transport.DisposeAsync();
            throw;
        }

        return new ClusterClient(transport, serializer, endpoint);
    }

    public IStore Store(ulong shard) => new RemoteStore(_transport, _serializer, shard);

    /// <param name="maxWaitPerRequest">Longest server-side wait in one request (RemoteLockManager's default when null).</param>
    public ILockManager Locks(ulong shard, TimeSpan? maxWaitPerRequest = null) => new RemoteLockManager(_transport, _serializer, shard, maxWaitPerRequest);

    public ValueTask DisposeAsync() => _transport.DisposeAsync();

    private static (PluginCatalog, ServiceProvider) LoadPlugins()
    {
        var collection = new ServiceCollection();
        var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [Dkv.PluginsDirectory] }).LoadAll(collection);
        return (catalog, collection.BuildServiceProvider());
    }
}
