using System.Net;
using System.Net.Sockets;
using System.Runtime.Loader;
using System.Text;
using DKV.Core.Consensus;
using DKV.Core.Plugins;
using DKV.Core.Rpc;
using DKV.Core.Serialization;
using DKV.Core.Transport;
using DKV.Host.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using DKV.Testing.Infrastructure;

namespace DKV.Host.Tests.Consensus;

/// <summary>The real raft plugin (DKV.Consensus, copied to plugins/ beside the tests) as the host loads and runs it.</summary>
[CancelAfter(120_000)]
public sealed class RaftPluginTests
{
    private static readonly string s_plugins = Path.Combine(AppContext.BaseDirectory, "plugins");

    [Test]
    public void LoadAll_RaftPlugin_OwnLoadContextSharingOnlyTheContracts()
    {
        var collection = new ServiceCollection();
        var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [Path.Combine(s_plugins, "DKV.Consensus")] }).LoadAll(collection);
        using var services = collection.BuildServiceProvider();

        var factory = catalog.Resolve<IConsensusFactory>(services, "raft");
        var context = AssemblyLoadContext.GetLoadContext(factory.GetType().Assembly)!;

        Assert.Multiple(() =>
        {
            Assert.That(catalog.Failures, Is.Empty);
            Assert.That(catalog.NamesOf(PluginKinds.Consensus), Is.EqualTo(new[] { "raft" }));
            Assert.That(context, Is.Not.SameAs(AssemblyLoadContext.Default), "the plugin runs in its own load context");
            Assert.That(context.Assemblies.Select(a => a.GetName().Name), Does.Not.Contain("DKV.Core"), "DKV.Core is the host's copy, so the contract types unify");
            Assert.That(context.Assemblies.Where(a => a.GetName().Name!.StartsWith("Microsoft.Extensions", StringComparison.Ordinal)), Is.Empty,
                "Microsoft.Extensions abstractions are the host's");
        });
    }

    [Test]
    public async Task StartAsync_SingleMemberCluster_ServesDstoreAndLocksThroughRaft()
    {
        string data = Path.Combine(Path.GetTempPath(), "dkv-raft-host-" + Guid.NewGuid().ToString("N"));
        try
        {
            var config = new ServerConfig
            {
                PluginDirectories = [s_plugins],
                TransportOptions = new ServerTransportOptions { Endpoint = "127.0.0.1:0" },
                Shards = ShardSpec.ParseList("100=dstore,200=lockmgr(dstore)"),
                ReplicaName = "solo",
                ClusterMembers = [new("solo", $"127.0.0.1:{LoopbackPorts.Reserve().Port}")],
                DataDir = data,
                RttMilliseconds = 10,
            };
            var server = await DkvServer.StartAsync(config, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None);
            await using (server)
            {
                var (services, catalog) = LoadClientPlugins();
                using (services)
                {
                    var serializer = catalog.Resolve<IRpcSerializer>(services, "binary");
                    await using var transport = catalog.Resolve<ITransportFactory>(services, "tcp")
                        .CreateClient(new ClientTransportOptions { Endpoints = [server.BoundEndpoint], RequestTimeout = TimeSpan.FromSeconds(20) }, NullLoggerFactory.Instance);
                    await transport.ConnectAsync(CancellationToken.None);
                    var store = new RemoteStore(transport, serializer, 100);

                    var written = await store.SetAsync("k", Encoding.UTF8.GetBytes("v"));
                    var read = await store.GetAsync("k");
                    var lease = await new RemoteLockManager(transport, serializer, 200).AcquireLockAsync("l", TimeSpan.FromSeconds(30));
                    var info = await store.GetDBInfoAsync();
                    var lockInfo = await new RemoteStore(transport, serializer, 200).GetDBInfoAsync();

                    Assert.Multiple(() =>
                    {
                        Assert.That(written.Index, Is.GreaterThan(0));
                        Assert.That(Encoding.UTF8.GetString(read.Value.Span), Is.EqualTo("v"));
                        Assert.That(lease.Acquired, Is.True);
                        Assert.That(info.Replication!.Role, Is.EqualTo("leader"));
                        Assert.That(info.Replication.Leader, Is.EqualTo("solo"));
                        Assert.That(info.Replication.AppliedIndex, Is.GreaterThanOrEqualTo(written.Index));
                        Assert.That(lockInfo.Replication!.GroupId, Is.EqualTo(200));
                    });
                }
            }
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static (ServiceProvider Services, PluginCatalog Catalog) LoadClientPlugins()
    {
        var collection = new ServiceCollection();
        var catalog = new PluginLoader(new PluginLoaderOptions { Directories = [Path.Combine(s_plugins, "DKV.Serializers"), Path.Combine(s_plugins, "DKV.Transports.Sockets")] }).LoadAll(collection);
        return (collection.BuildServiceProvider(), catalog);
    }
}
