using DKV.Core.Errors;
using DKV.Core.Plugins;
using DKV.Core.Serialization;
using DKV.Core.Transport;
using DKV.Host.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.Cli.Commands;

/// <summary>
/// The client side of a command before it connects: plugins loaded, the named serializer and transport resolved, the transport
/// options read from the settings. Connects any number of client transports (one per endpoint for <c>dkv cluster status</c>).
/// Disposing unloads nothing but the service provider; the caller disposes the transports it connected.
/// </summary>
internal sealed class ClientConnector : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly ITransportFactory _factory;
    private readonly ClientTransportOptions _options;

    private ClientConnector(ServiceProvider services, ITransportFactory factory, IRpcSerializer serializer, ClientTransportOptions options, string transportName)
    {
        _services = services;
        _factory = factory;
        Serializer = serializer;
        _options = options;
        TransportName = transportName;
    }

    public IRpcSerializer Serializer { get; }

    public string TransportName { get; }

    /// <summary>The endpoints from <c>--endpoints</c> (or the transport's default).</summary>
    public IReadOnlyList<string> Endpoints => _options.Endpoints;

    /// <summary>The per-request deadline (<c>--timeout</c>, raised to the minimum the command asked for).</summary>
    public TimeSpan Timeout => _options.RequestTimeout;

    /// <summary>
    /// Loads plugins and resolves what the settings name. Throws <see cref="ConfigException"/> for bad settings or a serializer or
    /// transport that is not loaded (listing what is).
    /// </summary>
    public static ClientConnector Create(SettingsSources settings, TimeSpan minimumTimeout)
    {
        ArgumentNullException.ThrowIfNull(settings);
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
        try
        {
            var serializer = Resolve<IRpcSerializer>(catalog, services, serializerName);
            var factory = Resolve<ITransportFactory>(catalog, services, transportName);
            // After resolving: a misspelt transport is reported as such, not as a missing endpoint for it.
            var options = ClientTransportSettings.Read(settings, transportName, serializerName, timeout);
            return new ClientConnector(services, factory, serializer, options, transportName);
        }
        catch
        {
            services.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects a client transport to <paramref name="endpoints"/> (all configured ones when null) within the timeout. Throws
    /// <see cref="DkvException"/> (<see cref="DkvErrorCode.Timeout"/> or the transport's error) when no endpoint can be reached.
    /// </summary>
    public async Task<IClientTransport> ConnectAsync(IReadOnlyList<string>? endpoints, CancellationToken cancellationToken)
    {
        var options = endpoints is null ? _options : _options with { Endpoints = endpoints };
        var transport = _factory.CreateClient(options, NullLoggerFactory.Instance);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Timeout);
            try
            {
                await transport.ConnectAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new DkvException(DkvErrorCode.Timeout,
                    $"could not connect to {string.Join(", ", options.Endpoints)} ({TransportName}) within {DurationText.Format(Timeout)}; is the server running? (--timeout raises the limit)");
            }

            return transport;
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

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
}
