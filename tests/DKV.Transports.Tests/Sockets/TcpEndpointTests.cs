using DKV.Core.Errors;
using DKV.Core.Transport;
using DKV.Transports.Tests.Infrastructure;

namespace DKV.Transports.Tests.Sockets;

[CancelAfter(20_000)]
public sealed class TcpEndpointTests
{
    [TestCase("nohost")]
    [TestCase("127.0.0.1:99999")]
    [TestCase("::1:80")]
    [TestCase("host:port")]
    [TestCase("127.0.0.1:0")]
    public async Task Client_MalformedEndpoint_FailsWithInvalidArgumentNamingIt(string endpoint)
    {
        var factory = ServerHarness.ResolveFactory("tcp");
        await using IClientTransport client = factory.CreateClient(new ClientTransportOptions { Endpoints = [endpoint] }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await client.ConnectAsync(CancellationToken.None));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain(endpoint));
    }

    [Test]
    public async Task Server_ColonPortEndpoint_BindsAllInterfacesAndClientColonPortUsesLoopback()
    {
        var factory = ServerHarness.ResolveFactory("tcp");
        var logs = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        await using IServerTransport server = factory.CreateServer(new ServerTransportOptions { Endpoint = ":0" }, logs);
        var store = new FakeStore();
        await server.StartAsync(new DKV.Core.Rpc.RpcServer(new DKV.Serializers.Binary.BinarySerializer(), [new DKV.Core.Rpc.RpcShard(1, "lstore", store)], logs), CancellationToken.None);
        string port = server.BoundEndpoint[(server.BoundEndpoint.LastIndexOf(':') + 1)..];

        await using IClientTransport client = factory.CreateClient(new ClientTransportOptions { Endpoints = [":" + port] }, logs);
        await client.ConnectAsync(CancellationToken.None);
        var remote = new DKV.Core.Rpc.RemoteStore(client, new DKV.Serializers.Binary.BinarySerializer(), 1);

        Assert.That(server.BoundEndpoint, Does.StartWith("0.0.0.0:"));
        Assert.That(await remote.HasAsync("k"), Is.False);
    }

    [Test]
    public async Task Server_PortInUse_StartFailsWithUnavailableNamingTheEndpoint()
    {
        await using ServerHarness first = await ServerHarness.StartAsync("tcp");
        var factory = ServerHarness.ResolveFactory("tcp");
        await using IServerTransport second = factory.CreateServer(new ServerTransportOptions { Endpoint = first.Endpoint }, first.LoggerFactory);

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await second.StartAsync(first.Rpc, CancellationToken.None));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
        Assert.That(ex.Message, Does.Contain(first.Endpoint));
    }
}
