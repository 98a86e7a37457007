using DKV.Core.Rpc;
using DKV.EndToEnd.Tests.Infrastructure;
using DKV.Serializers.Binary;
using DKV.Transports.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.EndToEnd.Tests.Perf;

/// <summary><c>dkv kv perf</c> and <c>dkv kv test</c> against real servers (and <c>kv test</c> against one that loses writes).</summary>
[CancelAfter(120_000)]
public sealed class PerfCommandTests
{
    private const string CsvHeader = "benchmark,ops_per_sec,p50_us,p90_us,p99_us,p999_us,max_us,errors,ops,value_size,transport,serializer,shard,shard_type,connections,threads,endpoints";

    private TempFolder _folder = null!;

    [SetUp]
    public void SetUp() => _folder = new TempFolder();

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [TestCase("tcp")]
    [TestCase("unix")]
    public async Task KvPerf_TinyRun_PrintsTableAndWritesCsvWithFixedHeader(string transport)
    {
        await using var server = await DkvServerProcess.StartAsync(transport, _folder);
        string csv = _folder.File("perf.csv");

        var result = await DkvCli.RunAsync(["kv", "perf", .. server.ClientArgs, "--ops", "300", "--warmup", "0", "--threads", "3",
            "--connections", "2", "--large-value-size", "4", "--keys", "20", "--skip", "has-not", "--csv", csv]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout, Does.Contain("benchmark          ops/s    p50 us    p90 us    p99 us  p99.9 us    max us  errors"));
        Assert.That(result.Stdout, Does.Contain("has-not     skipped"));
        string[] lines = (await File.ReadAllTextAsync(csv)).TrimEnd('\n').Split('\n');
        Assert.That(lines[0], Is.EqualTo(CsvHeader));
        Assert.That(lines.Skip(1).Select(l => l.Split(',')[0]), Is.EqualTo(new[] { "set", "set-large", "get", "delete", "has", "mixed" }));
        foreach (string[] row in lines.Skip(1).Select(l => l.Split(',')))
        {
            Assert.That(double.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0), string.Join(',', row));
            Assert.That(row[7], Is.EqualTo("0"), "errors: " + string.Join(',', row));
            Assert.That(row[10..17], Is.EqualTo(new[] { transport, "binary", "100", "lstore", "2", "3", server.Endpoint }));
        }

        Assert.That(lines[2].Split(',')[9], Is.EqualTo("4096"), "set-large's value size in bytes");
    }

    [Test]
    public async Task KvPerf_OpsCount_MeasuresExactlyThatManyOperations()
    {
        await using var server = await DkvServerProcess.StartAsync("tcp", _folder);
        string csv = _folder.File("ops.csv");

        var result = await DkvCli.RunAsync(["kv", "perf", .. server.ClientArgs, "--ops", "500", "--warmup", "0", "--threads", "4",
            "--skip", "set-large,get,delete,has,has-not", "--csv", csv]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var rows = (await File.ReadAllLinesAsync(csv)).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.That(rows.Select(r => (r[0], r[8])), Is.EqualTo(new[] { ("set", "500"), ("mixed", "500") }));
    }

    [Test]
    public async Task KvPerf_UnknownSkipName_IsUsageError()
    {
        var result = await DkvCli.RunAsync("kv", "perf", "--skip", "sett", "--endpoints", "127.0.0.1:1");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("sett").And.Contain("--skip"));
    }

    [Test]
    public async Task KvTest_CorrectServer_PassesWithExitZero()
    {
        await using var server = await DkvServerProcess.StartAsync("tcp", _folder);

        var result = await DkvCli.RunAsync(["kv", "test", .. server.ClientArgs, "--threads", "3", "--runs", "5", "--expire-in", "200ms"]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout, Does.Contain("Finished 15 test runs with 0 errors"));
        Assert.That(result.Stderr, Is.Empty);
    }

    [Test]
    public async Task KvTest_ServerThatLosesWrites_FailsWithExitOne()
    {
        var services = new ServiceCollection();
        new SocketsPlugin().Register(services);
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredKeyedService<DKV.Core.Transport.ITransportFactory>("tcp");
        await using var transport = factory.CreateServer(new DKV.Core.Transport.ServerTransportOptions { Endpoint = "127.0.0.1:0" }, NullLoggerFactory.Instance);
        await transport.StartAsync(new RpcServer(new BinarySerializer(), [new RpcShard(100, "lstore", new LosingStore())], NullLoggerFactory.Instance), CancellationToken.None);

        var result = await DkvCli.RunAsync(["kv", "test", "--endpoints", transport.BoundEndpoint, "--threads", "1", "--runs", "2", "--expire-in", "50ms"]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain("(integration-test) - value should exist after set: __test-"));
        Assert.That(result.Stdout, Does.Match(@"Finished 2 test runs with [1-9]\d* errors"));
    }
}
