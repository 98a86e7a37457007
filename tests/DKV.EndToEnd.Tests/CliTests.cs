using DKV.EndToEnd.Tests.Infrastructure;

namespace DKV.EndToEnd.Tests;

/// <summary>A real single node driven through the dkv CLI, over each transport.</summary>
[TestFixture("tcp")]
[TestFixture("unix")]
[CancelAfter(120_000)]
public sealed class CliTests
{
    private readonly string _transport;
    private TempFolder _folder = null!;
    private DkvServerProcess _server = null!;

    public CliTests(string transport) => _transport = transport;

    [SetUp]
    public async Task SetUp()
    {
        _folder = new TempFolder();
        _server = await DkvServerProcess.StartAsync(_transport, _folder);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    [Test]
    public async Task Kv_SetGetHasDeleteExpire_PrintsUpstreamLines()
    {
        await ExpectAsync(["kv", "set", "--shard=100", "foo", "bar"], "set successfully\n");
        await ExpectAsync(["kv", "get", "--shard=100", "foo"], "key=foo, found=true, resp=bar\n");
        await ExpectAsync(["kv", "has", "foo"], "key=foo, found=true\n");
        await ExpectAsync(["kv", "expr", "foo"], "expire successfully\n");
        await ExpectAsync(["kv", "get", "foo"], "key=foo, found=false, resp=\n");
        await ExpectAsync(["kv", "has", "foo"], "key=foo, found=true\n");
        await ExpectAsync(["kv", "del", "foo"], "delete successfully\n");
        await ExpectAsync(["kv", "has", "foo"], "key=foo, found=false\n");
    }

    [Test]
    public async Task Kv_ExpireIn_GetStopsFindingValueWhileHasStillDoes()
    {
        // Long enough that starting the next dkv process (slow on a loaded machine) cannot outlast it.
        var expireIn = TimeSpan.FromSeconds(5);
        var beforeSet = System.Diagnostics.Stopwatch.StartNew();
        await ExpectAsync(["kv", "set", "ttl-key", "v", "--expire-in", "5s", "--delete-in", "1m"], "set successfully\n");
        var afterSet = System.Diagnostics.Stopwatch.StartNew();
        await ExpectAsync(["kv", "get", "ttl-key"], "key=ttl-key, found=true, resp=v\n");
        Assert.That(beforeSet.Elapsed, Is.LessThan(expireIn), "the first get must run before the deadline for this test to mean anything");

        // One wait past the deadline (not a polling loop): the deadline was fixed when the write was ordered, before afterSet started.
        await Task.Delay(expireIn - afterSet.Elapsed + TimeSpan.FromMilliseconds(200));

        await ExpectAsync(["kv", "get", "ttl-key"], "key=ttl-key, found=false, resp=\n");
        await ExpectAsync(["kv", "has", "ttl-key"], "key=ttl-key, found=true\n");
    }

    [Test]
    public async Task Kv_SetEPositionalSeconds_AndSetEIfUnsetReportsApplied()
    {
        await ExpectAsync(["kv", "setE", "k", "v1", "0", "60"], "setE successfully\n");
        await ExpectAsync(["kv", "setEIfUnset", "k", "v2", "0", "0"], "setEIfUnset applied=false (key already set)\n");
        await ExpectAsync(["kv", "get", "k"], "key=k, found=true, resp=v1\n");
        await ExpectAsync(["kv", "setEIfUnset", "fresh", "v3", "--delete-in", "1m"], "setEIfUnset applied=true\n");
        await ExpectAsync(["kv", "get", "fresh"], "key=fresh, found=true, resp=v3\n");
    }

    [Test]
    public async Task Lock_AcquireContendReleaseReacquire_ExitCodesAndLines()
    {
        var first = await RunAsync(["lock", "acquire", "job", "--ttl", "30s"]);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(first.Stdout, Does.Match(@"^acquired=true, ownerId=[0-9a-f]{32}, token=\d+\n$"));
        string owner = first.Stdout.Split("ownerId=")[1].Split(',')[0];

        var contended = await RunAsync(["lock", "acquire", "job", "--wait", "300ms"]);
        Assert.That((contended.ExitCode, contended.Stdout), Is.EqualTo((1, "acquired=false\n")), contended.ToString());

        var released = await RunAsync(["lock", "release", "job", owner]);
        Assert.That((released.ExitCode, released.Stdout), Is.EqualTo((0, "released=true\n")), released.ToString());

        var again = await RunAsync(["lock", "release", "job", owner]);
        Assert.That((again.ExitCode, again.Stdout), Is.EqualTo((1, "released=false\n")), again.ToString());

        var reacquired = await RunAsync(["lock", "acquire", "--shard=200", "job"]);
        Assert.That(reacquired.ExitCode, Is.EqualTo(0), reacquired.ToString());
        Assert.That(ulong.Parse(reacquired.Stdout.Split("token=")[1]), Is.GreaterThan(ulong.Parse(first.Stdout.Split("token=")[1])), "fencing tokens increase");
    }

    [Test]
    public async Task Lock_RefreshByOwner_NewToken()
    {
        var acquired = await RunAsync(["lock", "acquire", "res", "--owner", "c0ffee"]);
        Assert.That(acquired.Stdout, Does.StartWith("acquired=true, ownerId=c0ffee, token="), acquired.ToString());

        var refreshed = await RunAsync(["lock", "refresh", "res", "c0ffee", "--ttl", "1m"]);
        Assert.That(refreshed.ExitCode, Is.EqualTo(0), refreshed.ToString());
        Assert.That(refreshed.Stdout, Does.Match(@"^refreshed=true, ownerId=c0ffee, token=\d+\n$"));

        var stranger = await RunAsync(["lock", "refresh", "res", "beef", "--ttl", "1m"]);
        Assert.That((stranger.ExitCode, stranger.Stdout), Is.EqualTo((1, "refreshed=false\n")), stranger.ToString());
    }

    [Test]
    public async Task OutputJson_OneObjectPerCommand()
    {
        await RunAsync(["kv", "set", "j", "x"]);
        var get = await RunAsync(["kv", "get", "j", "--output", "json"]);
        Assert.That(get.ExitCode, Is.EqualTo(0), get.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(get.Stdout);
        Assert.Multiple(() =>
        {
            Assert.That(get.Stdout.TrimEnd('\n'), Does.Not.Contain("\n"), "one line");
            Assert.That(doc.RootElement.GetProperty("command").GetString(), Is.EqualTo("get"));
            Assert.That(doc.RootElement.GetProperty("found").GetBoolean(), Is.True);
            Assert.That(doc.RootElement.GetProperty("value").GetString(), Is.EqualTo("x"));
        });
    }

    [Test]
    public async Task UnknownShard_ReadableErrorExitOne()
    {
        var result = await RunAsync(["kv", "get", "--shard", "999", "foo"]);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(result.Stdout, Is.Empty);
            Assert.That(result.Stderr, Does.StartWith("error: shard 999 does not exist on this server"));
        });
    }

    [Test]
    public async Task EnvironmentVariables_SelectShardAndEndpoint()
    {
        var env = new Dictionary<string, string>
        {
            ["DKV_TRANSPORT"] = _transport,
            ["DKV_TRANSPORT_ENDPOINTS"] = _server.Endpoint,
            ["DKV_SHARD"] = "100",
        };
        var set = await DkvCli.RunAsync(["kv", "set", "e", "1"], env);
        var get = await DkvCli.RunAsync(["kv", "get", "e"], env);
        Assert.That((set.ExitCode, get.Stdout), Is.EqualTo((0, "key=e, found=true, resp=1\n")), get.ToString());
    }

    private Task<CliResult> RunAsync(string[] args) => DkvCli.RunAsync([.. args, .. _server.ClientArgs]);

    private async Task ExpectAsync(string[] args, string stdout)
    {
        var result = await RunAsync(args);
        Assert.That((result.ExitCode, result.Stdout), Is.EqualTo((0, stdout)), $"dkv {string.Join(' ', args)}: {result}");
    }
}
