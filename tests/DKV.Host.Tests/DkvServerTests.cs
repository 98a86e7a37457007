using System.Text;
using DKV.Core.Plugins;
using DKV.Core.Rpc;
using DKV.Core.Serialization;
using DKV.Core.Transport;
using DKV.Host.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.Host.Tests;

[CancelAfter(60_000)]
public sealed class DkvServerTests
{
    private static readonly string s_plugins = Path.Combine(AppContext.BaseDirectory, "plugins");

    [Test]
    public async Task StartAsync_DefaultShards_ServesStoreAndLocks()
    {
        var config = new ServerConfig { PluginDirectories = [s_plugins], TransportOptions = new ServerTransportOptions { Endpoint = "127.0.0.1:0" } };
        var server = await DkvServer.StartAsync(config, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None);
        await using (server)
        {
            var (services, catalog) = LoadPlugins();
            using (services)
            {
                var serializer = catalog.Resolve<IRpcSerializer>(services, "binary");
                await using var transport = catalog.Resolve<ITransportFactory>(services, "tcp")
                    .CreateClient(new ClientTransportOptions { Endpoints = [server.BoundEndpoint] }, NullLoggerFactory.Instance);
                await transport.ConnectAsync(CancellationToken.None);

                await new RemoteStore(transport, serializer, 100).SetAsync("k", Encoding.UTF8.GetBytes("v"));
                var read = await new RemoteStore(transport, serializer, 100).GetAsync("k");
                var lease = await new RemoteLockManager(transport, serializer, 200).AcquireLockAsync("l", TimeSpan.FromSeconds(10));
                var shards = await RemoteShards.ListAsync(transport, serializer);
                var lockInfo = await new RemoteStore(transport, serializer, 200).GetDBInfoAsync();

                Assert.Multiple(() =>
                {
                    Assert.That(read.Found, Is.True);
                    Assert.That(lease.Acquired, Is.True);
                    Assert.That(shards, Is.EqualTo(new[] { new ShardDescription(100, "lstore"), new ShardDescription(200, "lockmgr(lstore)") }));
                    Assert.That((lockInfo.StoreKind, lockInfo.Engine.KeyCount, lockInfo.Replication), Is.EqualTo(("lstore", 1L, (Core.Stores.ReplicaStatus?)null)));
                    Assert.That(server.Plugins.NamesOf(PluginKinds.Transport), Is.EqualTo(new[] { "tcp", "unix" }));
                    Assert.That(server.Plugins.Failures.Single().Folder, Does.EndWith("DKV.TestPlugins.FutureContract"));
                });
            }
        }
    }

    [Test]
    public async Task StartAsync_UnknownTransport_ConfigErrorListsLoaded()
    {
        var config = new ServerConfig { PluginDirectories = [s_plugins], Transport = "quic" };
        var ex = await Assert.ThrowsAsync<ConfigException>(() => DkvServer.StartAsync(config, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None));
        Assert.That(ex!.Message, Does.StartWith("transport 'quic' is not loaded; loaded: tcp, unix ("));
    }

    private static (ServiceProvider Services, PluginCatalog Catalog) LoadPlugins()
    {
        var collection = new ServiceCollection();
        var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [s_plugins] }).LoadAll(collection);
        return (collection.BuildServiceProvider(), catalog);
    }
}
