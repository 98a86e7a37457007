using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DKV.Core.Rpc;
using DKV.Core.Transport;
using DKV.Transports.Tests.Infrastructure;

namespace DKV.Transports.Tests.Transport;

/// <summary>The shared accept loop survives accept errors with backoff (no busy loop) and stops cleanly.</summary>
[CancelAfter(20_000)]
public sealed class AcceptLoopTests
{
    [Test]
    public async Task AcceptFailsThreeTimes_LoopBacksOffThenServes()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync("tcp");
        var flaky = new FlakyListenerFactory(failures: 3);
        var server = new ListenerServerTransport("flaky", flaky, new ServerTransportOptions { Endpoint = "127.0.0.1:0" }, harness.LoggerFactory);
        var clock = Stopwatch.StartNew();
        await server.StartAsync(harness.Rpc, CancellationToken.None);

        try
        {
            var options = new ClientTransportOptions { Endpoints = [server.BoundEndpoint], RequestTimeout = TimeSpan.FromSeconds(5) };
            await using IClientTransport client = harness.Factory.CreateClient(options, harness.LoggerFactory);
            await client.ConnectAsync(CancellationToken.None);
            var store = new RemoteStore(client, harness.Serializer, ServerHarness.StoreShard);

            Assert.That(await store.HasAsync("k"), Is.False);
            Assert.That(harness.Logs.Entries.Count(e => e.EventId.Id == 3001), Is.EqualTo(3));
            Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(50)), "10 + 20 + 40 ms of backoff (±20 %) between failures");
            Assert.That(flaky.AcceptCalls, Is.LessThan(10), "no busy loop");
        }
        finally
        {
            await server.StopAsync(CancellationToken.None);
            await server.DisposeAsync();
        }
    }

    [Test]
    public async Task AcceptKeepsFailing_StopEndsTheBackoffAtOnce()
    {
        await using ServerHarness harness = await ServerHarness.StartAsync("tcp");
        var flaky = new FlakyListenerFactory(failures: int.MaxValue);
        var server = new ListenerServerTransport("flaky", flaky, new ServerTransportOptions { Endpoint = "127.0.0.1:0" }, harness.LoggerFactory);
        await server.StartAsync(harness.Rpc, CancellationToken.None);
        await harness.Logs.WaitForAsync(e => e.EventId.Id == 3001 && e.Message.Contains("(5 in a row)", StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        var clock = Stopwatch.StartNew();
        await server.StopAsync(CancellationToken.None);
        await server.DisposeAsync();

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
    }

    /// <summary>A real TCP listener whose first <c>failures</c> accepts throw.</summary>
    private sealed class FlakyListenerFactory(int failures) : IConnectionListenerFactory
    {
        private int _acceptCalls;

        public int Failures { get; } = failures;

        public int AcceptCalls => Volatile.Read(ref _acceptCalls);

        public ValueTask<IConnectionListener> BindAsync(ServerTransportOptions options, CancellationToken cancellationToken)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            socket.Listen(16);
            return ValueTask.FromResult<IConnectionListener>(new Listener(this, socket));
        }

        private sealed class Listener(FlakyListenerFactory owner, Socket socket) : IConnectionListener
        {
            public string BoundEndpoint => socket.LocalEndPoint!.ToString()!;

            public async ValueTask<IDuplexConnection> AcceptAsync(CancellationToken cancellationToken)
            {
                if (Interlocked.Increment(ref owner._acceptCalls) <= owner.Failures)
                {
                    throw new IOException("simulated accept failure (too many open files)");
                }

                Socket accepted = await socket.AcceptAsync(cancellationToken);
                return new StreamDuplexConnection(new NetworkStream(accepted, ownsSocket: true), "flaky peer", 65536, 65536, TimeSpan.FromSeconds(1));
            }

            public ValueTask DisposeAsync()
            {
                socket.Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
