using DKV.Core.Rpc;
using DKV.Core.Serialization;
using DKV.Core.Transport;
using DKV.Serializers;
using DKV.Transports.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.Tests.Infrastructure;

/// <summary>
/// An in-process server over a real transport (resolved through the plugin's keyed registration) with shard 100 = a fake store
/// and shard 200 = a fake lock manager, plus helpers to connect clients. Disposal stops everything and deletes temp files.
/// </summary>
public sealed class ServerHarness : IAsyncDisposable
{
    public const ulong StoreShard = 100;
    public const ulong LockShard = 200;

    private readonly List<IAsyncDisposable> _clients = [];
    private readonly string? _tempFolder;

    private ServerHarness(string transport, ITransportFactory factory, IRpcSerializer serializer, string endpoint, string? tempFolder)
    {
        Transport = transport;
        Serializer = serializer;
        Factory = factory;
        ConfiguredEndpoint = endpoint;
        _tempFolder = tempFolder;
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(builder => builder.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
    }

    public string Transport { get; }

    public ITransportFactory Factory { get; }

    public string ConfiguredEndpoint { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public ILoggerFactory LoggerFactory { get; }

    public FakeStore Store { get; } = new();

    public FakeLockManager Locks { get; } = new();

    public IRpcSerializer Serializer { get; }

    public IServerTransport Server { get; private set; } = null!;

    public RpcServer Rpc { get; private set; } = null!;

    public ServerTransportOptions ServerOptions { get; private set; } = new();

    /// <summary>The endpoint clients dial (the bound one: port 0 resolved).</summary>
    public string Endpoint => Server.BoundEndpoint;

    public static ITransportFactory ResolveFactory(string transport)
    {
        var services = new ServiceCollection();
        new SocketsPlugin().Register(services);
        using ServiceProvider provider = services.BuildServiceProvider();
        return provider.GetRequiredKeyedService<ITransportFactory>(transport);
    }

    public static IRpcSerializer ResolveSerializer(string name)
    {
        var services = new ServiceCollection();
        new SerializersPlugin().Register(services);
        using ServiceProvider provider = services.BuildServiceProvider();
        return provider.GetRequiredKeyedService<IRpcSerializer>(name);
    }

    public static async Task<ServerHarness> StartAsync(string transport, Func<ServerTransportOptions, ServerTransportOptions>? configure = null, string serializer = "binary")
    {
        string? temp = null;
        string endpoint = "127.0.0.1:0";
        if (transport == UnixTransportFactory.TransportName)
        {
            temp = Path.Combine(Path.GetTempPath(), "dkvt-" + Guid.NewGuid().ToString("N")[..10]);
            Directory.CreateDirectory(temp);
            endpoint = Path.Combine(temp, "s.sock");
        }

        var harness = new ServerHarness(transport, ResolveFactory(transport), ResolveSerializer(serializer), endpoint, temp);
        await harness.StartServerAsync(configure);
        return harness;
    }

    /// <summary>Starts (or restarts, after <see cref="StopServerAsync"/>) the server on the configured endpoint (same port on restart).</summary>
    public async Task StartServerAsync(Func<ServerTransportOptions, ServerTransportOptions>? configure = null, string? endpoint = null)
    {
        ServerOptions = new ServerTransportOptions { Endpoint = endpoint ?? ConfiguredEndpoint, SerializerName = Serializer.Name, HandshakeTimeout = TimeSpan.FromSeconds(5) };
        if (configure is not null)
        {
            ServerOptions = configure(ServerOptions);
        }

        Rpc = new RpcServer(Serializer, [new RpcShard(StoreShard, "lstore", Store), new RpcShard(LockShard, "lockmgr(lstore)", Locks)], LoggerFactory);
        Server = Factory.CreateServer(ServerOptions, LoggerFactory);
        await Server.StartAsync(Rpc, CancellationToken.None);
    }

    public async Task StopServerAsync(TimeSpan drain)
    {
        using var cts = new CancellationTokenSource(drain);
        await Server.StopAsync(cts.Token);
        await Server.DisposeAsync();
    }

    public ClientTransportOptions ClientOptions(Func<ClientTransportOptions, ClientTransportOptions>? configure = null)
    {
        var options = new ClientTransportOptions { Endpoints = [Endpoint], SerializerName = Serializer.Name, RequestTimeout = TimeSpan.FromSeconds(5), RetryBaseDelay = TimeSpan.FromMilliseconds(20) };
        return configure is null ? options : configure(options);
    }

    /// <summary>A connected client transport, disposed with the harness.</summary>
    public async Task<IClientTransport> ConnectAsync(Func<ClientTransportOptions, ClientTransportOptions>? configure = null)
    {
        IClientTransport client = Factory.CreateClient(ClientOptions(configure), LoggerFactory);
        _clients.Add(client);
        await client.ConnectAsync(CancellationToken.None);
        return client;
    }

    public async Task<RemoteStore> ConnectStoreAsync(Func<ClientTransportOptions, ClientTransportOptions>? configure = null) =>
        new(await ConnectAsync(configure), Serializer, StoreShard);

    public async ValueTask DisposeAsync()
    {
        foreach (IAsyncDisposable client in _clients)
        {
            await client.DisposeAsync();
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        LoggerFactory.Dispose();
        if (_tempFolder is not null && Directory.Exists(_tempFolder))
        {
            Directory.Delete(_tempFolder, recursive: true);
        }
    }
}
