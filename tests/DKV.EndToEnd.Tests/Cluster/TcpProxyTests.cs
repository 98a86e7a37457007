using System.Net;
using System.Net.Sockets;
using DKV.EndToEnd.Tests.Cluster.Infrastructure;

namespace DKV.EndToEnd.Tests.Cluster;

/// <summary>The test-controlled proxy that cuts cluster links: forwarding, cutting (refuse / black hole), healing, cleanup.</summary>
[CancelAfter(60_000)]
public sealed class TcpProxyTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(15);

    [Test]
    public async Task Forward_BytesBothWays_ReachTargetAndComeBack()
    {
        await using var echo = new EchoServer();
        await using var proxy = new TcpProxy(echo.Endpoint);
        using var client = await ConnectAsync(proxy.Endpoint);

        byte[] reply = await RoundTripAsync(client, [1, 2, 3, 4, 5]);

        Assert.That(reply, Is.EqualTo(new byte[] { 1, 2, 3, 4, 5 }));
        Assert.That(proxy.OpenLinkCount, Is.EqualTo(1));
    }

    [Test]
    public async Task SetMode_RefuseWithOpenConnection_DropsItAndClosesNewOnes()
    {
        await using var echo = new EchoServer();
        await using var proxy = new TcpProxy(echo.Endpoint);
        using var open = await ConnectAsync(proxy.Endpoint);
        await RoundTripAsync(open, [7]);

        proxy.SetMode(ProxyMode.Refuse);

        Assert.That(await ReadsEndAsync(open), Is.True, "the open connection must be dropped");
        Assert.That(await FreshConnectionEndsAsync(proxy.Endpoint), Is.True, "a new connection must be closed at once");
        Assert.That(proxy.OpenLinkCount, Is.Zero);
    }

    [Test]
    public async Task SetMode_BlackHole_AcceptsButNeverReachesTarget()
    {
        await using var echo = new EchoServer();
        await using var proxy = new TcpProxy(echo.Endpoint);
        proxy.SetMode(ProxyMode.BlackHole);

        using var client = await ConnectAsync(proxy.Endpoint);
        await client.SendAsync(new byte[] { 9, 9, 9 }, SocketFlags.None);
        await WaitUntilAsync(() => proxy.AcceptedCount == 1);

        Assert.That(echo.AcceptedCount, Is.Zero, "a black-holed connection must not be forwarded");
        proxy.SetMode(ProxyMode.Forward);
        Assert.That(await ReadsEndAsync(client), Is.True, "changing the mode drops black-holed connections");
    }

    [Test]
    public async Task SetMode_ForwardAfterCut_NewConnectionsForwardAgain()
    {
        await using var echo = new EchoServer();
        await using var proxy = new TcpProxy(echo.Endpoint);
        proxy.SetMode(ProxyMode.Refuse);
        proxy.SetMode(ProxyMode.Forward);

        using var client = await ConnectAsync(proxy.Endpoint);
        byte[] reply = await RoundTripAsync(client, [42]);

        Assert.That(reply, Is.EqualTo(new byte[] { 42 }));
    }

    [Test]
    public async Task DisposeAsync_WithOpenConnection_ClosesItAndStopsListening()
    {
        await using var echo = new EchoServer();
        var proxy = new TcpProxy(echo.Endpoint);
        using var client = await ConnectAsync(proxy.Endpoint);
        await RoundTripAsync(client, [1]);

        await proxy.DisposeAsync();

        Assert.That(await ReadsEndAsync(client), Is.True);
        var refused = await Assert.ThrowsAsync<SocketException>(async () => (await ConnectAsync(proxy.Endpoint)).Dispose());
        Assert.That(refused!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(s_deadline);
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<byte[]> RoundTripAsync(Socket socket, byte[] data)
    {
        using var deadline = new CancellationTokenSource(s_deadline);
        await socket.SendAsync(data, SocketFlags.None, deadline.Token);
        byte[] reply = new byte[data.Length];
        int read = 0;
        while (read < reply.Length)
        {
            int n = await socket.ReceiveAsync(reply.AsMemory(read), SocketFlags.None, deadline.Token);
            if (n == 0)
            {
                throw new InvalidOperationException($"connection closed after {read} of {reply.Length} echoed bytes");
            }

            read += n;
        }

        return reply;
    }

    /// <summary>True when the connection ends (end of stream or reset) within the deadline; false when data arrives instead.</summary>
    private static async Task<bool> ReadsEndAsync(Socket socket)
    {
        using var deadline = new CancellationTokenSource(s_deadline);
        try
        {
            return await socket.ReceiveAsync(new byte[16], SocketFlags.None, deadline.Token) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// <summary>True when a new connection is reset while connecting or ends right after.</summary>
    private static async Task<bool> FreshConnectionEndsAsync(IPEndPoint endpoint)
    {
        Socket socket;
        try
        {
            socket = await ConnectAsync(endpoint);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }

        using (socket)
        {
            return await ReadsEndAsync(socket);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(s_deadline);
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    /// <summary>A loopback server that echoes every byte back and counts its connections.</summary>
    private sealed class EchoServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _connections = [];
        private readonly Task _accept;
        private int _acceptedCount;

        public EchoServer()
        {
            _listener.Start();
            Endpoint = (IPEndPoint)_listener.LocalEndpoint;
            _accept = AcceptAsync();
        }

        public IPEndPoint Endpoint { get; }

        public int AcceptedCount => Volatile.Read(ref _acceptedCount);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accept;
            Task[] connections;
            lock (_connections)
            {
                connections = [.. _connections];
            }

            await Task.WhenAll(connections);
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                Interlocked.Increment(ref _acceptedCount);
                lock (_connections)
                {
                    _connections.Add(EchoAsync(socket));
                }
            }
        }

        private async Task EchoAsync(Socket socket)
        {
            using (socket)
            {
                byte[] buffer = new byte[4096];
                try
                {
                    int read;
                    while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
                    {
                        await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException)
                {
                    // The proxy dropped the link or the test ended.
                }
            }
        }
    }
}
