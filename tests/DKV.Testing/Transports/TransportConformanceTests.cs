using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using DKV.Core.Errors;
using DKV.Core.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.Testing.Transports;

/// <summary>
/// The conformance suite every transport runs — tcp, unix, zmq, quic and third-party plugins: derive a sealed
/// <c>[TestFixture]</c> that passes the factory and an endpoint generator (a fresh server endpoint per call, for example
/// <c>127.0.0.1:0</c> or a new socket path). It drives <see cref="IServerTransport"/> and <see cref="IClientTransport"/>
/// directly with an echoing <see cref="ConformanceHandler"/>, so it checks the transport and nothing above it.
/// </summary>
/// <remarks>
/// A transport that cannot run on this machine (a missing native library) should call <c>Assert.Ignore</c> with the reason in an
/// override of <see cref="CheckSupportedAsync"/>, so it reports skipped, never passed. Every test bounds its own time.
/// </remarks>
[CancelAfter(60_000)]
public abstract class TransportConformanceTests
{
    /// <summary>The maximum frame used by the suite's servers and clients (small, so the limit tests are fast).</summary>
    protected const int MaxFrameBytes = 256 * 1024;

    /// <summary>The longest any single wait in the suite may take.</summary>
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly Func<string> _nextEndpoint;
    private readonly List<IAsyncDisposable> _owned = [];

    protected TransportConformanceTests(ITransportFactory factory, Func<string> nextEndpoint)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(nextEndpoint);
        Factory = factory;
        _nextEndpoint = nextEndpoint;
    }

    protected ITransportFactory Factory { get; }

    /// <summary>Receives the transports' logs; override to capture them.</summary>
    protected virtual ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    /// <summary>Payload sizes checked by <see cref="Request_PayloadOfSize_RoundTripsIntact"/>: 0 bytes up to the maximum frame.</summary>
    public static IEnumerable<int> PayloadSizes => [0, 1, 19, 20, 21, 4095, 65_536, MaxFrameBytes - 1, MaxFrameBytes];

    [OneTimeSetUp]
    public Task OneTimeSetUpAsync() => CheckSupportedAsync();

    [TearDown]
    public async Task TearDownAsync()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync().AsTask().WaitAsync(Deadline);
        }

        _owned.Clear();
    }

    [Test]
    public async Task Client_ManyConcurrentRequestsOnOneConnection_EachGetsItsOwnAnswer()
    {
        (_, _, string endpoint) = await StartServerAsync();
        IClientTransport client = await ConnectAsync(endpoint);

        var requests = Enumerable.Range(0, 500).Select(i => EchoAsync(client, (ulong)i, Payload(i, 1 + (i % 300)))).ToArray();
        await Task.WhenAll(requests).WaitAsync(Deadline);

        for (int i = 0; i < requests.Length; i++)
        {
            Assert.That(requests[i].Result, Is.EqualTo(Payload(i, 1 + (i % 300))), $"request {i}");
        }
    }

    [Test]
    public async Task Client_SeveralConnectionsPerEndpoint_EveryConnectionServes()
    {
        (_, ConformanceHandler handler, string endpoint) = await StartServerAsync();
        IClientTransport client = await ConnectAsync(endpoint, o => o with { ConnectionsPerEndpoint = 3, MaxAttempts = 1 });

        // Round robin: consecutive requests go to different connections, so every one of the three carries some.
        var requests = Enumerable.Range(0, 30).Select(i => EchoAsync(client, (ulong)i, Payload(i, 8))).ToArray();
        await Task.WhenAll(requests).WaitAsync(Deadline);

        Assert.That(requests.Select(r => r.Result), Is.EqualTo(Enumerable.Range(0, 30).Select(i => Payload(i, 8))));
        Assert.That(handler.Calls, Is.EqualTo(30));
    }

    [Test]
    public async Task Server_AnswersInReverseOrder_EachRequestGetsItsOwnAnswer()
    {
        (_, ConformanceHandler handler, string endpoint) = await StartServerAsync();
        IClientTransport client = await ConnectAsync(endpoint);
        const int count = 20;
        handler.Hold(reverseReleaseAt: count);

        var requests = Enumerable.Range(0, count).Select(i => EchoAsync(client, (ulong)i, Held(i))).ToArray();
        await Task.WhenAll(requests).WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            for (int i = 0; i < count; i++)
            {
                Assert.That(requests[i].Result, Is.EqualTo(Held(i)), $"request {i}");
            }

            Assert.That(handler.CompletionOrder, Is.EqualTo(Enumerable.Range(0, count).Reverse().Select(i => (ulong)i)), "the server answered last-first");
        });
    }

    [TestCaseSource(nameof(PayloadSizes))]
    public async Task Request_PayloadOfSize_RoundTripsIntact(int size)
    {
        (_, _, string endpoint) = await StartServerAsync();
        IClientTransport client = await ConnectAsync(endpoint);
        byte[] payload = RandomNumberGenerator.GetBytes(size);
        if (size > 0)
        {
            payload[0] = (byte)'E';
        }

        byte[] answer = await EchoAsync(client, 7, payload).WaitAsync(Deadline);

        Assert.That(answer, Is.EqualTo(payload));
    }

    [Test]
    public async Task Client_RequestOverItsMaxFrame_FailsTooLargeAndNothingIsSent()
    {
        (_, ConformanceHandler handler, string endpoint) = await StartServerAsync();
        IClientTransport client = await ConnectAsync(endpoint);

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await EchoAsync(client, 1, new byte[MaxFrameBytes + 1]));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.TooLarge));
        Assert.That(handler.Calls, Is.Zero);
    }

    [Test]
    public async Task Server_FrameOverItsMax_FailsTypedAndTheServerServesOthers()
    {
        (_, ConformanceHandler handler, string endpoint) = await StartServerAsync(o => o with { MaxFrameBytes = 64 * 1024 });
        IClientTransport big = await ConnectAsync(endpoint, o => o with { MaxFrameBytes = MaxFrameBytes, MaxAttempts = 1 });

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await EchoAsync(big, 1, new byte[100_000]).WaitAsync(Deadline));
        IClientTransport other = await ConnectAsync(endpoint);
        byte[] answer = await EchoAsync(other, 2, "Eok"u8.ToArray()).WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Code, Is.AnyOf(DkvErrorCode.ConnectionLost, DkvErrorCode.Unavailable, DkvErrorCode.TooLarge));
            Assert.That(answer, Is.EqualTo("Eok"u8.ToArray()));
            Assert.That(handler.Calls, Is.EqualTo(1), "only the request within the limit reached the handler");
        });
    }

    [Test]
    public async Task Request_ServerDoesNotAnswerInTime_FailsWithTimeoutAndTheConnectionCarriesOn()
    {
        (_, ConformanceHandler handler, string endpoint) = await StartServerAsync();
        IClientTransport client = await ConnectAsync(endpoint, o => o with { RequestTimeout = TimeSpan.FromMilliseconds(300), MaxAttempts = 1 });
        handler.Hold();
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await EchoAsync(client, 1, Held(1)));
        TimeSpan took = clock.Elapsed;
        handler.Release();
        byte[] after = await EchoAsync(client, 2, "Eafter"u8.ToArray()).WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Timeout));
            Assert.That(took, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)).And.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(after, Is.EqualTo("Eafter"u8.ToArray()));
        });
    }

    [Test]
    public async Task Client_ServerRestartsOnTheSameEndpoint_ReconnectsAndServes()
    {
        (IServerTransport server, _, string endpoint) = await StartServerAsync();
        IClientTransport client = await ConnectAsync(endpoint, o => o with { RequestTimeout = TimeSpan.FromSeconds(2), MaxAttempts = 3 });
        Assert.That(await EchoAsync(client, 1, "Ebefore"u8.ToArray()).WaitAsync(Deadline), Is.EqualTo("Ebefore"u8.ToArray()));

        await StopAsync(server, TimeSpan.FromSeconds(2));
        (_, ConformanceHandler restarted, _) = await StartServerAsync(configuredEndpoint: endpoint);
        byte[]? answer = null;
        var failures = new List<DkvException>();
        var clock = Stopwatch.StartNew();
        while (answer is null && clock.Elapsed < Deadline)
        {
            try
            {
                answer = await EchoAsync(client, 2, "Eafter"u8.ToArray(), idempotent: true).WaitAsync(Deadline);
            }
            catch (DkvException ex)
            {
                failures.Add(ex);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(answer, Is.EqualTo("Eafter"u8.ToArray()), $"failures: {string.Join(" | ", failures.Select(f => f.ToString()))}");
            Assert.That(restarted.Calls, Is.GreaterThanOrEqualTo(1));
            Assert.That(failures, Has.Count.LessThanOrEqualTo(3), "each failure waited for the reconnect, none busy-looped");
        });
    }

    [Test]
    public async Task Server_StopWithRequestsInFlight_DrainsThemAndRefusesNewConnections()
    {
        (IServerTransport server, ConformanceHandler handler, string endpoint) = await StartServerAsync();
        IClientTransport client = await ConnectAsync(endpoint, o => o with { RequestTimeout = TimeSpan.FromSeconds(2), MaxAttempts = 1 });
        handler.Hold();
        var inflight = Enumerable.Range(0, 5).Select(i => EchoAsync(client, (ulong)i, Held(i))).ToArray();
        await handler.WaitForHeldAsync(5, Deadline);

        using var drain = new CancellationTokenSource(Deadline);
        Task stop = server.StopAsync(drain.Token).AsTask();
        DkvException? refused;
        try
        {
            refused = await ConnectUntilRefusedAsync(endpoint);
        }
        finally
        {
            handler.Release();
        }

        byte[][] answers = await Task.WhenAll(inflight).WaitAsync(Deadline);
        await stop.WaitAsync(Deadline);
        var afterStop = await Assert.ThrowsAsync<DkvException>(async () => await EchoAsync(client, 9, "Eafter"u8.ToArray()).WaitAsync(Deadline));

        Assert.Multiple(() =>
        {
            for (int i = 0; i < answers.Length; i++)
            {
                Assert.That(answers[i], Is.EqualTo(Held(i)), $"in-flight request {i} completed during the drain");
            }

            Assert.That(refused, Is.Not.Null, "new connections were still accepted long after the stop began");
            Assert.That(refused!.Code, Is.AnyOf(DkvErrorCode.Unavailable, DkvErrorCode.Timeout), refused.Message);
            Assert.That(afterStop!.Code, Is.AnyOf(DkvErrorCode.Unavailable, DkvErrorCode.ConnectionLost), afterStop.Message);
            Assert.That(handler.Calls, Is.EqualTo(5), "nothing new reached the handler once the drain began");
        });
    }

    [Test]
    public async Task Client_DisposedWithRequestsInFlight_TheyFailPromptlyWithConnectionLost()
    {
        (_, ConformanceHandler handler, string endpoint) = await StartServerAsync();
        IClientTransport client = await ConnectAsync(endpoint);
        handler.Hold();
        var inflight = Enumerable.Range(0, 3).Select(i => EchoAsync(client, (ulong)i, Held(i))).ToArray();
        await handler.WaitForHeldAsync(3, Deadline);
        var clock = Stopwatch.StartNew();

        await client.DisposeAsync().AsTask().WaitAsync(Deadline);
        Exception?[] errors = await Task.WhenAll(inflight.Select(CatchAsync)).WaitAsync(Deadline);
        TimeSpan took = clock.Elapsed;
        var afterDispose = await Assert.ThrowsAsync<DkvException>(async () => await EchoAsync(client, 9, "Ex"u8.ToArray()));
        handler.Release();

        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.All.InstanceOf<DkvException>());
            Assert.That(errors.OfType<DkvException>().Select(e => e.Code), Is.All.EqualTo(DkvErrorCode.ConnectionLost));
            Assert.That(took, Is.LessThan(TimeSpan.FromSeconds(3)));
            Assert.That(afterDispose!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
        });
    }

    [Test]
    public async Task Client_SerializerDiffersFromServer_ConnectFailsWithProtocolMismatch()
    {
        (_, _, string endpoint) = await StartServerAsync();
        IClientTransport client = Factory.CreateClient(ClientOptions(endpoint, o => o with { SerializerName = "other" }), LoggerFactory);
        _owned.Add(client);

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await client.ConnectAsync(CancellationToken.None).AsTask().WaitAsync(Deadline));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.ProtocolMismatch));
        Assert.That(ex.Message, Does.Contain("'other'"));
    }

    [Test]
    public async Task Client_NothingListening_ConnectFailsWithUnavailableNamingTheEndpoint()
    {
        (IServerTransport server, _, string endpoint) = await StartServerAsync();
        await StopAsync(server, TimeSpan.FromSeconds(1));
        IClientTransport client = Factory.CreateClient(ClientOptions(endpoint, o => o with { RequestTimeout = TimeSpan.FromSeconds(2) }), LoggerFactory);
        _owned.Add(client);

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await client.ConnectAsync(CancellationToken.None).AsTask().WaitAsync(Deadline));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
        Assert.That(ex.Message, Does.Contain(endpoint));
    }

    /// <summary>Throws <see cref="IgnoreException"/> (via <c>Assert.Ignore</c>) when the transport cannot run here. Default: supported.</summary>
    protected virtual Task CheckSupportedAsync() => Task.CompletedTask;

    /// <summary>Starts a server with an echoing handler; owned by the test. Returns the endpoint clients dial.</summary>
    protected async Task<(IServerTransport Server, ConformanceHandler Handler, string Endpoint)> StartServerAsync(
        Func<ServerTransportOptions, ServerTransportOptions>? configure = null, string? configuredEndpoint = null)
    {
        var options = new ServerTransportOptions { Endpoint = configuredEndpoint ?? _nextEndpoint(), SerializerName = "conformance", MaxFrameBytes = MaxFrameBytes };
        options = configure is null ? options : configure(options);
        var handler = new ConformanceHandler();
        IServerTransport server = Factory.CreateServer(options, LoggerFactory);
        _owned.Add(server);
        await server.StartAsync(handler, CancellationToken.None).AsTask().WaitAsync(Deadline);
        return (server, handler, server.BoundEndpoint);
    }

    protected ClientTransportOptions ClientOptions(string endpoint, Func<ClientTransportOptions, ClientTransportOptions>? configure = null)
    {
        var options = new ClientTransportOptions
        {
            Endpoints = [endpoint],
            SerializerName = "conformance",
            MaxFrameBytes = MaxFrameBytes,
            RequestTimeout = TimeSpan.FromSeconds(5),
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
            ConnectionsPerEndpoint = 1,
        };
        return configure is null ? options : configure(options);
    }

    /// <summary>A connected client; owned by the test.</summary>
    protected async Task<IClientTransport> ConnectAsync(string endpoint, Func<ClientTransportOptions, ClientTransportOptions>? configure = null)
    {
        IClientTransport client = Factory.CreateClient(ClientOptions(endpoint, configure), LoggerFactory);
        _owned.Add(client);
        await client.ConnectAsync(CancellationToken.None).AsTask().WaitAsync(Deadline);
        return client;
    }

    protected static async Task<byte[]> EchoAsync(IClientTransport client, ulong shardId, byte[] payload, bool idempotent = false)
    {
        using IMemoryOwner<byte> answer = await client.SendAsync(shardId, payload, idempotent, CancellationToken.None);
        return answer.Memory.ToArray();
    }

    /// <summary>
    /// Connects new clients until one is refused (the stop has taken effect) or the deadline passes. StopAsync may return before
    /// the server stops accepting, so a client connecting in that instant may succeed; the drain then closes it.
    /// </summary>
    private async Task<DkvException?> ConnectUntilRefusedAsync(string endpoint)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Deadline)
        {
            IClientTransport late = Factory.CreateClient(ClientOptions(endpoint, o => o with { RequestTimeout = TimeSpan.FromSeconds(2), MaxAttempts = 1 }), LoggerFactory);
            _owned.Add(late);
            try
            {
                await late.ConnectAsync(CancellationToken.None).AsTask().WaitAsync(Deadline);
            }
            catch (DkvException ex)
            {
                return ex;
            }
        }

        return null;
    }

    private static async Task StopAsync(IServerTransport server, TimeSpan drain)
    {
        using var cts = new CancellationTokenSource(drain);
        await server.StopAsync(cts.Token).AsTask().WaitAsync(Deadline);
        await server.DisposeAsync();
    }

    private static async Task<Exception?> CatchAsync(Task task)
    {
        try
        {
            await task;
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static byte[] Payload(int seed, int length)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed * 31 + i);
        }

        bytes[0] = (byte)'E';
        return bytes;
    }

    private static byte[] Held(int seed) => [ConformanceHandler.HoldMarker, (byte)seed, (byte)(seed >> 8)];
}
