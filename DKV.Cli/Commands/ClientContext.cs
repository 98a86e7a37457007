using DKV.Core.Errors;
using DKV.Core.Plugins;
using DKV.Core.Serialization;
using DKV.Core.Transport;
using DKV.Host.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.Cli.Commands;

/// <summary>
/// A connected client for one command: settings resolved (flags over <c>DKV_*</c> over defaults), plugins loaded, the
/// transport connected with the named serializer. Disposing closes the connections.
/// </summary>
internal sealed class ClientContext : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ClientContext(ServiceProvider services, IClientTransport transport, IRpcSerializer serializer, ulong shard, TimeSpan timeout)
    {
        _services = services;
        Transport = transport;
        Serializer = serializer;
        Shard = shard;
        Timeout = timeout;
    }

    public IClientTransport Transport { get; }

    public IRpcSerializer Serializer { get; }

    public ulong Shard { get; }

    /// <summary>The per-request deadline (<c>--timeout</c>).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// Resolves the settings and connects. <paramref name="minimumTimeout"/> raises the per-request deadline for commands that
    /// wait on the server (a lock acquire with --wait). Throws <see cref="ConfigException"/> for bad settings and
    /// <see cref="DkvException"/> when the server cannot be reached or speaks another serializer.
    /// </summary>
    public static async Task<ClientContext> ConnectAsync(SettingsSources settings, TimeSpan minimumTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ulong shard = (ulong)SettingParser.Integer(settings.Get(ClientSettings.Shard), 0, long.MaxValue);
        string transportName = SettingParser.Text(settings.Get(ClientSettings.Transport));
        string serializerName = SettingParser.Text(settings.Get(ClientSettings.Serializer));
        var timeout = SettingParser.Duration(settings.Get(ClientSettings.Timeout), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1));
        timeout = timeout < minimumTimeout ? minimumTimeout : timeout;
        var (dirs, origin) = settings.GetList(ClientSettings.PluginsDir);
        var collection = new ServiceCollection();
        var catalog = new PluginLoader(new PluginLoaderOptions
        {
            Directories = origin == "default" ? [PluginLoaderOptions.DefaultDirectory] : dirs.Select(Path.GetFullPath).ToList(),
        }).LoadAll(collection);
        var services = collection.BuildServiceProvider();
        IClientTransport? transport = null;
        try
        {
            var serializer = Resolve<IRpcSerializer>(catalog, services, serializerName);
            var factory = Resolve<ITransportFactory>(catalog, services, transportName);
            var options = TransportOptions(settings, transportName, serializerName, timeout);
            transport = factory.CreateClient(options, NullLoggerFactory.Instance);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await transport.ConnectAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new DkvException(DkvErrorCode.Timeout,
                    $"could not connect to {string.Join(", ", options.Endpoints)} ({transportName}) within {DurationText.Format(timeout)}; is the server running? (--timeout raises the limit)");
            }

            return new ClientContext(services, transport, serializer, shard, timeout);
        }
        catch
        {
            if (transport is not null)
            {
                await transport.DisposeAsync().ConfigureAwait(false);
            }

            await services.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Transport.DisposeAsync().ConfigureAwait(false);
        await _services.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>An implementation by name; a name that is not loaded is a usage error listing the loaded names.</summary>
    private static T Resolve<T>(PluginCatalog catalog, IServiceProvider services, string name)
        where T : class
    {
        try
        {
            return catalog.Resolve<T>(services, name);
        }
        catch (DkvException ex) when (ex.Code == DkvErrorCode.InvalidArgument)
        {
            throw new ConfigException(ex.Message, ex);
        }
    }

    private static ClientTransportOptions TransportOptions(SettingsSources settings, string transport, string serializer, TimeSpan timeout)
    {
        var endpointsSetting = settings.GetList(ClientSettings.Endpoints);
        IReadOnlyList<string> endpoints = endpointsSetting.Origin == "default"
            ? [ClientSettings.DefaultEndpoint(transport) ?? throw new ConfigException($"--endpoints is required with --transport {transport}")]
            : endpointsSetting.Values;
        var linger = settings.Get(ClientSettings.TcpLinger);
        var options = new ClientTransportOptions
        {
            Endpoints = endpoints,
            SerializerName = serializer,
            RequestTimeout = timeout,
            ConnectionsPerEndpoint = (int)SettingParser.Integer(settings.Get(ClientSettings.ConnectionsPerEndpoint), 1, 1024),
            MaxAttempts = (int)SettingParser.Integer(settings.Get(ClientSettings.Retries), 1, 100),
            WriteBufferBytes = (int)SettingParser.Integer(settings.Get(ClientSettings.WriteBuffer), 1, 1024 * 1024) * 1024,
            ReadBufferBytes = (int)SettingParser.Integer(settings.Get(ClientSettings.ReadBuffer), 1, 1024 * 1024) * 1024,
            TcpNoDelay = SettingParser.Boolean(settings.Get(ClientSettings.TcpNoDelay)),
            TcpKeepAlive = SettingParser.Duration(settings.Get(ClientSettings.TcpKeepAlive), TimeSpan.FromSeconds(1), TimeSpan.Zero),
            TcpLinger = linger.Value?.Trim() == "-1" ? null : SettingParser.Duration(linger, TimeSpan.FromSeconds(1), TimeSpan.Zero),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ConfigException($"invalid client transport settings: {ex.Message}", ex);
        }

        return options;
    }
}
