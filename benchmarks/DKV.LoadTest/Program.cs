using System.Globalization;
using DKV.Core.Rpc;
using DKV.Core.Serialization;
using DKV.Core.Transport;
using DKV.LoadTest;
using DKV.Serializers;
using DKV.Transports.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

LoadTestOptions options;
try
{
    options = LoadTestOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(LoadTestOptions.Usage);
    return 2;
}

var services = new ServiceCollection();
new SocketsPlugin().Register(services);
new SerializersPlugin().Register(services);
await using ServiceProvider provider = services.BuildServiceProvider();
ITransportFactory? factory = provider.GetKeyedService<ITransportFactory>(options.Transport);
IRpcSerializer? serializer = provider.GetKeyedService<IRpcSerializer>(options.Serializer);
if (factory is null || serializer is null)
{
    Console.Error.WriteLine($"transport '{options.Transport}' or serializer '{options.Serializer}' is not available in this build");
    return 2;
}

using ILoggerFactory loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
string? tempFolder = null;
IServerTransport? server = null;
string endpoint = options.Endpoint ?? "127.0.0.1:8080";
if (options.SelfHost)
{
    if (options.Transport == "unix")
    {
        tempFolder = Path.Combine(Path.GetTempPath(), "dkv-load-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(tempFolder);
        endpoint = options.Endpoint ?? Path.Combine(tempFolder, "load.sock");
    }
    else
    {
        endpoint = options.Endpoint ?? "127.0.0.1:0";
    }

    server = factory.CreateServer(new ServerTransportOptions { Endpoint = endpoint, SerializerName = serializer.Name }, loggerFactory);
    await server.StartAsync(new RpcServer(serializer, [new RpcShard(options.Shard, "lstore", new InMemoryStore())], loggerFactory), CancellationToken.None);
    endpoint = server.BoundEndpoint;
}

try
{
    var clientOptions = new ClientTransportOptions
    {
        Endpoints = [endpoint],
        SerializerName = serializer.Name,
        ConnectionsPerEndpoint = options.Connections,
        RequestTimeout = options.Timeout,
    };
    await using IClientTransport client = factory.CreateClient(clientOptions, loggerFactory);
    await client.ConnectAsync(CancellationToken.None);
    var store = new RemoteStore(client, serializer, options.Shard);
    var runner = new LoadRunner(store, options, seed: 42);

    Console.WriteLine($"dkv load test: transport={options.Transport} endpoint={endpoint} serializer={serializer.Name} shard={options.Shard} " +
        $"inflight={options.Inflight} keys={options.Keys} value={options.ValueBytes}B connections={options.Connections} " +
        $"duration={options.Duration.TotalSeconds:0.#}s warmup={options.Warmup.TotalSeconds:0.#}s self-host={options.SelfHost}");
    await runner.RunAsync("set", options.Warmup, record: false);
    await runner.RunAsync("get", options.Warmup, record: false);
    PhaseResult set = await runner.RunAsync("set", options.Duration, record: true);
    PhaseResult get = await runner.RunAsync("get", options.Duration, record: true);

    Console.WriteLine($"{"op",-4} {"ops/s",12} {"p50 µs",10} {"p99 µs",10} {"errors",8} {"alloc B/op",11}");
    foreach (PhaseResult r in new[] { set, get })
    {
        Console.WriteLine($"{r.Operation,-4} {r.OpsPerSecond,12:N0} {r.PercentileMicros(0.50),10:N0} {r.PercentileMicros(0.99),10:N0} {r.Errors,8} {r.AllocatedBytesPerOp,11:N0}");
        if (r.FirstError is not null)
        {
            Console.WriteLine($"     first error: {r.FirstError}");
        }
    }

    return set.Errors + get.Errors == 0 ? 0 : 1;
}
finally
{
    if (server is not null)
    {
        await server.StopAsync(CancellationToken.None);
        await server.DisposeAsync();
    }

    if (tempFolder is not null)
    {
        Directory.Delete(tempFolder, recursive: true);
    }
}
