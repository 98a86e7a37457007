using DKV.Core.Consensus;
using DKV.Core.Locks;
using DKV.Core.Plugins;
using DKV.Core.Rpc;
using DKV.Core.Serialization;
using DKV.Core.Storage;
using DKV.Core.Stores;
using DKV.Core.Transport;
using DKV.Host.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DKV.Host;

/// <summary>
/// A running dKV node: plugins loaded, one engine + <see cref="LocalStore"/> (+ <see cref="EngineCollector"/>) per lstore shard,
/// a <see cref="LockManager"/> over its own lstore per lockmgr(lstore) shard, when any shard is replicated the consensus node
/// (plugin <c>raft</c>) with its group store per dstore shard and a <see cref="LockManager"/> over it per lockmgr(dstore) shard,
/// an <see cref="RpcServer"/> over them, and the configured server transport listening. The host knows implementations only by
/// name, through the plugins.
/// </summary>
/// <remarks>Start with <see cref="StartAsync"/>, stop once with <see cref="StopAsync"/> (dispose also stops). Not thread-safe for stop/dispose.</remarks>
public sealed class DkvServer : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IServerTransport _transport;
    private readonly List<ServerShard> _shards;
    private readonly ILogger _logger;
    private readonly List<IServerExtension> _extensions;
    private static readonly TaskCompletionSource<string> s_neverFails = new();
    private readonly IConsensusNode? _node;
    private bool _stopped;

    private DkvServer(
        ServiceProvider services, PluginCatalog plugins, IServerTransport transport, List<ServerShard> shards, IConsensusNode? node,
        List<IServerExtension> extensions, ILogger logger)
    {
        _services = services;
        _node = node;
        _extensions = extensions;
        Plugins = plugins;
        _transport = transport;
        _shards = shards;
        _logger = logger;
    }

    /// <summary>What was loaded from the plugin directories, and what failed.</summary>
    public PluginCatalog Plugins { get; }

    /// <summary>The endpoint actually bound (port 0 resolved).</summary>
    public string BoundEndpoint => _transport.BoundEndpoint;

    /// <summary>This node's consensus member when any shard is replicated; otherwise null.</summary>
    public IConsensusNode? Consensus => _node;

    /// <summary>Completes, with the reason, if the consensus node stops on a fatal error; never completes without one.</summary>
    public Task<string> Failed => _node?.Failed ?? s_neverFails.Task;

    /// <summary>
    /// Loads plugins, starts the consensus node when a shard is replicated, composes the shards and starts listening. Throws
    /// <see cref="ConfigException"/> when a named engine, serializer, transport or the <c>raft</c> consensus is not loaded (the
    /// message lists what is) and <see cref="Core.Errors.DkvException"/> when the endpoint cannot be bound or the consensus node
    /// cannot start (damaged data directory, peer address in use).
    /// </summary>
    public static Task<DkvServer> StartAsync(ServerConfig config, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken) =>
        StartAsync(config, loggerFactory, time, addServices: null, cancellationToken);

    /// <summary>As the public overload; <paramref name="addServices"/> adds services after the plugins registered theirs (tests).</summary>
    internal static async Task<DkvServer> StartAsync(
        ServerConfig config, ILoggerFactory loggerFactory, TimeProvider time, Action<IServiceCollection>? addServices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(time);
        var logger = loggerFactory.CreateLogger<DkvServer>();
        var collection = new ServiceCollection();
        collection.AddSingleton(loggerFactory);
        var catalog = new PluginLoader(new PluginLoaderOptions { Directories = config.PluginDirectories }, loggerFactory.CreateLogger<PluginLoader>())
            .LoadAll(collection);
        addServices?.Invoke(collection);
        var services = collection.BuildServiceProvider();
        var shards = new List<ServerShard>();
        IConsensusNode? node = null;
        try
        {
            var engines = Resolve<IEngineFactory>(catalog, services, config.Engine);
            var serializer = Resolve<IRpcSerializer>(catalog, services, config.Serializer);
            var transports = Resolve<ITransportFactory>(catalog, services, config.Transport);
            foreach (string line in ServerSummary.Describe(config, catalog).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Log.ConfigurationLine(logger, line);
            }

            node = await ReplicationStarter.StartAsync(config, catalog, services, engines, loggerFactory, time, cancellationToken).ConfigureAwait(false);
            foreach (var spec in config.Shards)
            {
                shards.Add(ShardFactory.Create(spec, engines, node, config, time, loggerFactory, logger));
            }

            var rpc = new RpcServer(serializer, shards.Select(s => s.Rpc), loggerFactory);
            Log.SetupCompleted(logger);
            var transport = transports.CreateServer(config.TransportOptions with { SerializerName = serializer.Name }, loggerFactory);
            try
            {
                await transport.StartAsync(rpc, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await transport.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            Log.Serving(logger, config.Transport, transport.BoundEndpoint, serializer.Name, config.TransportOptions.MaxInflightPerConnection);
            var context = new ServerContext(config.PluginSettings, shards.Select(s => s.Rpc), loggerFactory, time);
            var extensions = await StartExtensionsAsync(services, context, transport, cancellationToken).ConfigureAwait(false);
            return new DkvServer(services, catalog, transport, shards, node, extensions, logger);
        }
        catch
        {
            shards.ForEach(s => s.Dispose());
            if (node is not null)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }

            await services.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops accepting, lets in-flight requests finish for up to <paramref name="drain"/>, closes every connection, then stops the
    /// collectors and disposes the engines, and last disposes the consensus node (no request can reach it any more by then).
    /// Calling it again does nothing.
    /// </summary>
    public async Task StopAsync(TimeSpan drain)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using (var deadline = new CancellationTokenSource(drain))
        {
            await StopExtensionsAsync(_extensions, deadline.Token).ConfigureAwait(false);
            await _transport.StopAsync(deadline.Token).ConfigureAwait(false);
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
        _shards.ForEach(s => s.Dispose());
        if (_node is not null)
        {
            await _node.DisposeAsync().ConfigureAwait(false);
        }

        await _services.DisposeAsync().ConfigureAwait(false);
        Log.Stopped(_logger);
    }

    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.Zero).ConfigureAwait(false);

    /// <summary>
    /// Starts every <see cref="IServerExtension"/> the plugins registered (keyed under any name), in registration order. When one
    /// fails, the ones already started are stopped, the transport is disposed, and the failure propagates.
    /// </summary>
    private static async Task<List<IServerExtension>> StartExtensionsAsync(
        ServiceProvider services, ServerContext context, IServerTransport transport, CancellationToken cancellationToken)
    {
        var started = new List<IServerExtension>();
        try
        {
            foreach (var extension in services.GetKeyedServices<IServerExtension>(KeyedService.AnyKey))
            {
                await extension.StartAsync(context, cancellationToken).ConfigureAwait(false);
                started.Add(extension);
            }

            return started;
        }
        catch
        {
            await StopExtensionsAsync(started, CancellationToken.None).ConfigureAwait(false);
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task StopExtensionsAsync(List<IServerExtension> extensions, CancellationToken cancellationToken)
    {
        for (int i = extensions.Count - 1; i >= 0; i--)
        {
            await extensions[i].StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An implementation by name; a name that is not loaded is a <see cref="ConfigException"/> listing the loaded names.</summary>
    private static T Resolve<T>(PluginCatalog catalog, IServiceProvider services, string name)
        where T : class
    {
        try
        {
            return catalog.Resolve<T>(services, name);
        }
        catch (Core.Errors.DkvException ex) when (ex.Code == Core.Errors.DkvErrorCode.InvalidArgument)
        {
            throw new ConfigException(ex.Message, ex);
        }
    }
}
