using DKV.EndToEnd.Tests.Infrastructure;

namespace DKV.EndToEnd.Tests;

/// <summary>
/// <c>dkv serve --serializer S</c> driven by the CLI speaking the same serializer: key-value commands with TTLs, a lock,
/// the <c>kv test</c> self-test and a short <c>kv perf</c> run (issue 6: every serializer end to end, not only in-process).
/// </summary>
[TestFixture("binary")]
[TestFixture("msgpack")]
[TestFixture("memorypack")]
[TestFixture("json")]
[CancelAfter(120_000)]
public sealed class SerializerCliTests(string serializer)
{
    private TempFolder _folder = null!;
    private DkvServerProcess _server = null!;

    private string[] ClientArgs => [.. _server.ClientArgs, "--serializer", serializer];

    [SetUp]
    public async Task SetUp()
    {
        _folder = new TempFolder();
        _server = await DkvServerProcess.StartAsync("tcp", _folder, ["--serializer", serializer]);
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _folder?.Dispose();
    }

    [Test]
    public async Task KvAndLock_OverTheSerializer_UpstreamLines()
    {
        var set = await DkvCli.RunAsync(["kv", "set", "--shard=100", "ключ-🔑", "wert", .. ClientArgs]);
        var get = await DkvCli.RunAsync(["kv", "get", "--shard=100", "ключ-🔑", .. ClientArgs]);
        var setE = await DkvCli.RunAsync(["kv", "set", "--shard=100", "ttl", "v", "--expire-in", "1h", "--delete-in", "2h", .. ClientArgs]);
        var has = await DkvCli.RunAsync(["kv", "has", "--shard=100", "ttl", .. ClientArgs]);
        var acquired = await DkvCli.RunAsync(["lock", "acquire", "job", "--ttl", "30s", "--owner", "c0ffee", .. ClientArgs]);
        var released = await DkvCli.RunAsync(["lock", "release", "job", "c0ffee", .. ClientArgs]);

        Assert.Multiple(() =>
        {
            Assert.That((set.ExitCode, set.Stdout), Is.EqualTo((0, "set successfully\n")), set.ToString());
            Assert.That((get.ExitCode, get.Stdout), Is.EqualTo((0, "key=ключ-🔑, found=true, resp=wert\n")), get.ToString());
            Assert.That((setE.ExitCode, setE.Stdout), Is.EqualTo((0, "set successfully\n")), setE.ToString());
            Assert.That((has.ExitCode, has.Stdout), Is.EqualTo((0, "key=ttl, found=true\n")), has.ToString());
            Assert.That(acquired.Stdout, Does.StartWith("acquired=true, ownerId=c0ffee, token="), acquired.ToString());
            Assert.That((released.ExitCode, released.Stdout), Is.EqualTo((0, "released=true\n")), released.ToString());
        });
    }

    [Test]
    public async Task KvTestAndPerf_OverTheSerializer_NoErrors()
    {
        var selfTest = await DkvCli.RunAsync(["kv", "test", .. ClientArgs, "--threads", "2", "--runs", "5", "--expire-in", "200ms"]);
        var perf = await DkvCli.RunAsync(["kv", "perf", .. ClientArgs, "--ops", "300", "--warmup", "0", "--threads", "4",
            "--skip", "set-large,delete,has-not,mixed"]);

        Assert.That(selfTest.ExitCode, Is.EqualTo(0), selfTest.ToString());
        Assert.That(selfTest.Stdout, Does.Contain("Finished 10 test runs with 0 errors"));
        Assert.That(perf.ExitCode, Is.EqualTo(0), perf.ToString());
        Assert.That(perf.Stdout, Does.Contain("set").And.Contain("get").And.Contain("has"));
    }

    [Test]
    public async Task Client_WithAnotherSerializer_ReadableErrorExit1()
    {
        string other = serializer == "binary" ? "json" : "binary";
        var result = await DkvCli.RunAsync(["kv", "get", "--shard=100", "foo", .. _server.ClientArgs, "--serializer", other]);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.Contain(serializer).And.Contain(other), result.ToString());
    }
}
