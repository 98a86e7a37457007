using DKV.EndToEnd.Tests.Infrastructure;

namespace DKV.EndToEnd.Tests;

/// <summary>Exit codes and messages that need no server.</summary>
[CancelAfter(60_000)]
public sealed class UsageTests
{
    [Test]
    public async Task Version_PrintsVersion()
    {
        var result = await DkvCli.RunAsync("version");
        Assert.That((result.ExitCode, result.Stdout), Is.EqualTo((0, "dKV.NET v0.1.0\n")));
    }

    [Test]
    public async Task PluginsList_ShowsBuiltInsWithKindsAndFolders()
    {
        var result = await DkvCli.RunAsync("plugins", "list");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            Assert.That(result.Stdout, Does.Contain("DKV.Engines.Maple").And.Contain("engine: maple"));
            Assert.That(result.Stdout, Does.Contain("DKV.Transports.Sockets").And.Contain("transport: tcp, unix"));
            Assert.That(result.Stdout, Does.Contain("DKV.Serializers").And.Contain("serializer: binary"));
            Assert.That(result.Stdout, Does.Contain("DKV.Consensus").And.Contain("consensus: raft"));
            Assert.That(result.Stdout, Does.Contain($"[{Path.Combine(Dkv.PluginsDirectory, "DKV.Serializers")}]"));
        });
    }

    [Test]
    public async Task MissingArgument_UsageErrorExitTwo_NoUsageDump()
    {
        var result = await DkvCli.RunAsync("kv", "get");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Stderr, Does.StartWith("error: "));
            Assert.That(result.Stderr, Does.EndWith("run 'dkv kv get --help' for usage\n"));
        });
    }

    [Test]
    public async Task UnknownTransport_ListsLoadedTransports()
    {
        var result = await DkvCli.RunAsync("kv", "get", "foo", "--transport", "tcpp");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Stderr, Is.EqualTo("error: transport 'tcpp' is not loaded; loaded: quic, tcp, unix, zmq\n"));
        });
    }

    [Test]
    public async Task Serve_InvalidLogLevel_ClearErrorExitTwo()
    {
        var result = await DkvCli.RunAsync(["serve"], new Dictionary<string, string> { ["DKV_LOG_LEVEL"] = "loud" });
        Assert.That((result.ExitCode, result.Stderr), Is.EqualTo((2, "error: invalid log level 'loud' (from DKV_LOG_LEVEL); expected one of: debug, info, warn, error\n")));
    }

    [Test]
    public async Task Serve_BadShardSpec_UpstreamMessage()
    {
        var result = await DkvCli.RunAsync("serve", "--shards", "100=lstore,abc");
        Assert.That((result.ExitCode, result.Stderr), Is.EqualTo((2, "error: invalid shard format: abc (expected ID=TYPE)\n")));
    }

    [Test]
    public async Task Serve_UnknownEngine_ListsLoadedEnginesExitTwo()
    {
        var result = await DkvCli.RunAsync("serve", "--engine", "mapel", "--transport-endpoint", "127.0.0.1:0");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Stderr, Is.EqualTo("error: engine 'mapel' is not loaded; loaded: maple\n"));
        });
    }

    [Test]
    public async Task Kv_InvalidTimeout_UsageError()
    {
        var result = await DkvCli.RunAsync("kv", "get", "foo", "--timeout", "soon");
        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("error: invalid value 'soon' for --timeout (from --timeout); expected a duration"));
    }

    [Test]
    public async Task Kv_NoServer_ReadableErrorExitOne()
    {
        var result = await DkvCli.RunAsync("kv", "get", "foo", "--endpoints", "127.0.0.1:1", "--timeout", "3s");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(result.Stderr, Does.StartWith("error: could not connect"));
        });
    }
}
