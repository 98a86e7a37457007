using System.Net.Sockets;
using DKV.Core.Errors;
using DKV.Core.Transport;
using DKV.Transports.Tests.Infrastructure;

namespace DKV.Transports.Tests.Sockets;

/// <summary>What the unix server may and may not do to files at its socket path.</summary>
[CancelAfter(20_000)]
public sealed class UnixSocketFileTests
{
    private string _folder = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "dkvu-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task Start_RegularFileAtPath_RefusesAndLeavesItUntouched()
    {
        string path = Path.Combine(_folder, "data.txt");
        await File.WriteAllTextAsync(path, "precious");
        await using ServerHarness harness = await ServerHarness.StartAsync("unix");
        await using IServerTransport server = harness.Factory.CreateServer(new ServerTransportOptions { Endpoint = path }, harness.LoggerFactory);

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await server.StartAsync(harness.Rpc, CancellationToken.None));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain("not a socket file"));
        Assert.That(await File.ReadAllTextAsync(path), Is.EqualTo("precious"));
    }

    [Test]
    public async Task Start_StaleSocketFileAtPath_RemovesItAndServes()
    {
        string path = Path.Combine(_folder, "stale.sock");
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            // .NET unlinks a bound socket's file on dispose; moving it away first leaves a socket file nobody listens on.
            string bound = Path.Combine(_folder, "bound.sock");
            stale.Bind(new UnixDomainSocketEndPoint(bound));
            File.Move(bound, path);
        }

        Assert.That(File.Exists(path), Is.True, "a socket file without a listener is left behind");
        await using ServerHarness harness = await ServerHarness.StartAsync("unix");
        await harness.Server.DisposeAsync();
        await harness.StartServerAsync(endpoint: path);
        var store = await harness.ConnectStoreAsync();

        Assert.That(await store.HasAsync("k"), Is.False);
        await harness.Logs.WaitForEventAsync(3200, TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task Start_LiveServerAtPath_RefusesWithUnavailable()
    {
        await using ServerHarness live = await ServerHarness.StartAsync("unix");
        await using IServerTransport second = live.Factory.CreateServer(new ServerTransportOptions { Endpoint = live.Endpoint }, live.LoggerFactory);

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await second.StartAsync(live.Rpc, CancellationToken.None));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
        Assert.That(ex.Message, Does.Contain("in use by a running server"));
        Assert.That(await (await live.ConnectStoreAsync()).HasAsync("k"), Is.False, "the live server is unharmed");
    }

    [Test]
    public async Task Stop_RemovesItsSocketFile()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync("unix");
        string path = harness.Endpoint;
        Assert.That(File.Exists(path), Is.True);

        await harness.StopServerAsync(TimeSpan.FromSeconds(2));

        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public async Task Start_PathTooLong_FailsWithInvalidArgument()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync("unix");
        string path = Path.Combine(_folder, new string('x', 120) + ".sock");
        await using IServerTransport server = harness.Factory.CreateServer(new ServerTransportOptions { Endpoint = path }, harness.LoggerFactory);

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await server.StartAsync(harness.Rpc, CancellationToken.None));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain("the limit is"));
    }
}
