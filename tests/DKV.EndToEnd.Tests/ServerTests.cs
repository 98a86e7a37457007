using System.Text;
using DKV.Core.Errors;
using DKV.EndToEnd.Tests.Infrastructure;

namespace DKV.EndToEnd.Tests;

/// <summary>Real dkv serve processes driven through the client API and the CLI: isolation, mismatches, shutdown, configuration.</summary>
[TestFixture("tcp")]
[TestFixture("unix")]
[CancelAfter(120_000)]
public sealed class ServerTests
{
    private readonly string _transport;
    private TempFolder _folder = null!;
    private readonly List<DkvServerProcess> _servers = [];

    public ServerTests(string transport) => _transport = transport;

    [SetUp]
    public void SetUp() => _folder = new TempFolder();

    [TearDown]
    public async Task TearDown()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        _servers.Clear();
        _folder.Dispose();
    }

    [Test]
    public async Task ClientApi_StoreAndLocks_RoundTrip()
    {
        var server = await StartAsync();
        await using var client = await ApiClient.ConnectAsync(_transport, server.Endpoint);
        var store = client.Store(100);

        var written = await store.SetAsync("api", Encoding.UTF8.GetBytes("value"));
        var read = await store.GetAsync("api");
        var conditional = await store.SetEIfUnsetAsync("api", Encoding.UTF8.GetBytes("other"), TimeSpan.Zero, TimeSpan.Zero);
        var lease = await client.Locks(200).AcquireLockAsync("api-lock", TimeSpan.FromSeconds(30));
        var contended = await client.Locks(200).AcquireLockAsync("api-lock", TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(read.Found, Is.True);
            Assert.That(Encoding.UTF8.GetString(read.Value.Span), Is.EqualTo("value"));
            Assert.That(read.Index, Is.EqualTo(written.Index));
            Assert.That(conditional.Applied, Is.False);
            Assert.That(lease.Acquired, Is.True);
            Assert.That(contended.Acquired, Is.False);
        });
        Assert.That(await client.Locks(200).ReleaseLockAsync("api-lock", lease.OwnerId), Is.True);
    }

    [Test]
    public async Task TwoNodes_LocalStoreIsNotShared()
    {
        var first = await StartAsync();
        var second = await StartAsync();

        var set = await DkvCli.RunAsync(["kv", "set", "--shard=100", "foo", "bar", .. first.ClientArgs]);
        var onFirst = await DkvCli.RunAsync(["kv", "has", "--shard=100", "foo", .. first.ClientArgs]);
        var onSecond = await DkvCli.RunAsync(["kv", "has", "--shard=100", "foo", .. second.ClientArgs]);

        Assert.Multiple(() =>
        {
            Assert.That(set.ExitCode, Is.EqualTo(0), set.ToString());
            Assert.That(onFirst.Stdout, Is.EqualTo("key=foo, found=true\n"));
            Assert.That(onSecond.Stdout, Is.EqualTo("key=foo, found=false\n"));
        });
    }

    [Test]
    public async Task SerializerMismatch_CliReadableErrorExitOne_ApiProtocolMismatch()
    {
        var server = await StartAsync(["--plugins-dir", Dkv.PluginsDirectory, "--plugins-dir", Dkv.TestPluginsDirectory, "--serializer", "newtonsoft"]);

        var cli = await DkvCli.RunAsync(["kv", "get", "foo", "--serializer", "binary", .. server.ClientArgs]);
        Assert.Multiple(() =>
        {
            Assert.That(cli.ExitCode, Is.EqualTo(1), cli.ToString());
            Assert.That(cli.Stderr, Does.StartWith("error: "));
            Assert.That(cli.Stderr, Does.Contain("binary").And.Contain("newtonsoft"), "names both serializers");
            Assert.That(cli.Stderr, Does.Not.Contain("   at "), "no stack trace");
        });

        var json = await DkvCli.RunAsync(["kv", "get", "foo", "--output", "json", .. server.ClientArgs]);
        using (var doc = System.Text.Json.JsonDocument.Parse(json.Stdout))
        {
            Assert.That(json.ExitCode, Is.EqualTo(1));
            Assert.That(doc.RootElement.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("protocol-mismatch"));
            Assert.That(json.Stdout, Does.Contain("serializer 'binary'"), "readable, not \\u0027-escaped");
        }

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await ApiClient.ConnectAsync(_transport, server.Endpoint, "binary"));
        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.ProtocolMismatch));

        await using var matching = await ApiClient.ConnectAsync(_transport, server.Endpoint, "newtonsoft");
        await matching.Store(100).SetAsync("n", new byte[] { 7 });
        Assert.That((await matching.Store(100).GetAsync("n")).Found, Is.True, "the plugin serializer serves the matching client");
    }

    [Test]
    public async Task Sigterm_InFlightRequestFinishes_ExitZero()
    {
        var server = await StartAsync(["--timeout", "10s", "--shutdown-timeout", "15s"]);
        await using var client = await ApiClient.ConnectAsync(_transport, server.Endpoint);
        var holder = await client.Locks(200).AcquireLockAsync("drain", TimeSpan.FromSeconds(60));
        Assert.That(holder.Acquired, Is.True);

        // One request that waits on the server for 4 s; SIGTERM is sent 1.5 s into it (margins for a loaded machine both ways).
        var started = System.Diagnostics.Stopwatch.StartNew();
        var waiting = client.Locks(200, maxWaitPerRequest: TimeSpan.FromSeconds(5))
            .AcquireLockAsync("drain", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(4)).AsTask();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.That(waiting.IsCompleted, Is.False, "the acquire must still be waiting when SIGTERM is sent");
        var exitCode = server.TerminateAsync();

        var answer = await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        var answeredAfter = started.Elapsed;
        int code = await exitCode;
        Assert.Multiple(() =>
        {
            Assert.That(answer.Acquired, Is.False, "the in-flight wait ran to its end and got a normal answer, not an error");
            Assert.That(answeredAfter, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(3.9)), "the server did not cut the wait short");
            Assert.That(code, Is.EqualTo(0), server.Output);
            Assert.That(server.Output, Does.Contain("received SIGTERM").And.Contain("stopped cleanly"));
        });
    }

    [Test]
    public async Task Serve_ConfigFileEnvAndFlags_LaterWins()
    {
        string config = _folder.File("dkv.json");
        await File.WriteAllTextAsync(config, """{ "shards": "1=lstore", "log-level": "error" }""");
        var server = await StartAsync(["--config", config, "--shards", "7:lstore,8:lockmgr(lstore)"], new Dictionary<string, string> { ["DKV_LOG_LEVEL"] = "info" });

        var set = await DkvCli.RunAsync(["kv", "set", "--shard", "7", "k", "v", .. server.ClientArgs]);
        var missing = await DkvCli.RunAsync(["kv", "set", "--shard", "1", "k", "v", .. server.ClientArgs]);
        var locked = await DkvCli.RunAsync(["lock", "acquire", "--shard", "8", "k", .. server.ClientArgs]);

        Assert.Multiple(() =>
        {
            Assert.That(set.ExitCode, Is.EqualTo(0), set.ToString());
            Assert.That(missing.Stderr, Does.StartWith("error: shard 1 does not exist on this server"), "flag beats the file");
            Assert.That(locked.ExitCode, Is.EqualTo(0), locked.ToString());
            Assert.That(server.Output, Does.Contain("7: local store"), "env info level beats the file's error level: the summary is logged");
        });
    }

    private async Task<DkvServerProcess> StartAsync(string[]? args = null, Dictionary<string, string>? environment = null)
    {
        var server = await DkvServerProcess.StartAsync(_transport, _folder, args, environment);
        _servers.Add(server);
        return server;
    }
}
