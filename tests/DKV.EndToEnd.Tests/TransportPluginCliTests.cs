using System.Net.Quic;
using System.Runtime.InteropServices;
using DKV.EndToEnd.Tests.Infrastructure;

namespace DKV.EndToEnd.Tests;

/// <summary>
/// <c>dkv serve</c> on the zmq and quic transport plugins (loaded from plugins/ like every built-in) and the CLI against it.
/// Each reports itself skipped, with the reason, where its native library (libzmq, libmsquic) is missing.
/// </summary>
[TestFixture("zmq")]
[TestFixture("quic")]
[CancelAfter(120_000)]
public sealed class TransportPluginCliTests(string transport)
{
    private TempFolder _folder = null!;
    private DkvServerProcess _server = null!;

    [SetUp]
    public async Task SetUp()
    {
        if (transport == "quic" && !(QuicListener.IsSupported && QuicConnection.IsSupported))
        {
            Assert.Ignore("libmsquic is not installed: dkv serve --transport quic cannot run on this machine");
        }

        if (transport == "zmq" && !NativeLibrary.TryLoad("libzmq.so.5", out _) && !NativeLibrary.TryLoad("libzmq", out _))
        {
            Assert.Ignore("libzmq is not installed: dkv serve --transport zmq cannot run on this machine (apt-get install libzmq5)");
        }

        _folder = new TempFolder();
        _server = await DkvServerProcess.StartAsync(transport, _folder);
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
    public async Task Kv_SetThenGet_OverThePlugin()
    {
        var set = await DkvCli.RunAsync(["kv", "set", "--shard=100", "foo", "bar", .. _server.ClientArgs]);
        var get = await DkvCli.RunAsync(["kv", "get", "--shard=100", "foo", .. _server.ClientArgs]);

        Assert.That((set.ExitCode, set.Stdout), Is.EqualTo((0, "set successfully\n")), set.ToString());
        Assert.That((get.ExitCode, get.Stdout), Is.EqualTo((0, "key=foo, found=true, resp=bar\n")), get.ToString());
    }

    [Test]
    public async Task Lock_AcquireRelease_OverThePlugin()
    {
        var acquired = await DkvCli.RunAsync(["lock", "acquire", "job", "--owner", "c0ffee", .. _server.ClientArgs]);
        var released = await DkvCli.RunAsync(["lock", "release", "job", "c0ffee", .. _server.ClientArgs]);

        Assert.That(acquired.Stdout, Does.StartWith("acquired=true, ownerId=c0ffee, token="), acquired.ToString());
        Assert.That((released.ExitCode, released.Stdout), Is.EqualTo((0, "released=true\n")), released.ToString());
    }
}
