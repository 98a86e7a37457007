using DKV.Core.Locks;
using DKV.Core.Plugins;
using DKV.Core.Rpc;
using DKV.Core.Serialization;
using DKV.Core.Stores;
using DKV.Core.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.EndToEnd.Tests.Infrastructure;

/// <summary>The client API as an application uses it: plugins from dkv's plugins/ folder, a connected transport, RemoteStore / RemoteLockManager.</summary>
internal sealed class ApiClient : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IClientTransport _transport;
    private readonly IRpcSerializer _serializer;

    private ApiClient(ServiceProvider services, IClientTransport transport, IRpcSerializer serializer)
    {
        _services = services;
        _transport = transport;
        _serializer = serializer;
    }

    public static async Task<ApiClient> ConnectAsync(string transport, string endpoint, string serializer = "binary")
    {
        var collection = new ServiceCollection();
        var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [Dkv.PluginsDirectory, Dkv.TestPluginsDirectory] }).LoadAll(collection);
        var services = collection.BuildServiceProvider();
        var rpcSerializer = catalog.Resolve<IRpcSerializer>(services, serializer);
        var client = catalog.Resolve<ITransportFactory>(services, transport).CreateClient(
            new ClientTransportOptions { Endpoints = [endpoint], SerializerName = serializer, RequestTimeout = TimeSpan.FromSeconds(10) },
            NullLoggerFactory.Instance);
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.ConnectAsync(deadline.Token);
        }
        catch
        {
            await client.DisposeAsync();
            await services.DisposeAsync();
            throw;
        }

        return new ApiClient(services, client, rpcSerializer);
    }

    public IStore Store(ulong shard) => new RemoteStore(_transport, _serializer, shard);

    /// <param name="maxWaitPerRequest">Longest server-side wait in one request (RemoteLockManager's default when null).</param>
    public ILockManager Locks(ulong shard, TimeSpan? maxWaitPerRequest = null) => new RemoteLockManager(_transport, _serializer, shard, maxWaitPerRequest);

    public async ValueTask DisposeAsync()
    {
        await _transport.DisposeAsync();
        await _services.DisposeAsync();
    }
}
