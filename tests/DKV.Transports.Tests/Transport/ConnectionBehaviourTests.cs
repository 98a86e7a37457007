using System.Diagnostics;
using System.Text;
using DKV.Core.Errors;
using DKV.Core.Rpc;
using DKV.Core.Transport;
using DKV.Testing.Infrastructure;
using DKV.Transports.Tests.Infrastructure;

namespace DKV.Transports.Tests.Transport;

/// <summary>Multiplexing, limits, timeouts, reconnects, drain and disposal of the framing core over each real transport.</summary>
[TestFixture("tcp")]
[TestFixture("unix")]
[CancelAfter(30_000)]
public sealed class ConnectionBehaviourTests(string transport)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private ServerHarness _harness = null!;

    [SetUp]
    public async Task SetUp() => _harness = await ServerHarness.StartAsync(transport);

    [TearDown]
    public async Task TearDown() => await _harness.DisposeAsync();

    [Test]
    public async Task OneConnection_FiftyRequestsAnsweredInReverseOrder_EachGetsItsOwnAnswer()
    {
        RemoteStore store = await _harness.ConnectStoreAsync(o => o with { ConnectionsPerEndpoint = 1 });
        for (int i = 0; i < 50; i++)
        {
            await store.SetAsync($"k{i}", Encoding.UTF8.GetBytes($"v{i}"));
        }

        _harness.Store.Gate = new Gate(reverseReleaseAt: 50);
        var gets = Enumerable.Range(0, 50).Select(i => store.GetAsync($"k{i}").AsTask()).ToArray();
        var results = await Task.WhenAll(gets).WaitAsync(s_wait);

        for (int i = 0; i < 50; i++)
        {
            Assert.That(Encoding.UTF8.GetString(results[i].Value.Span), Is.EqualTo($"v{i}"), $"request {i}");
        }
    }

    [Test]
    public async Task Server_InflightLimitReached_StopsReadingUntilASlotFrees()
    {
        await _harness.Server.DisposeAsync();
        await _harness.StartServerAsync(o => o with { MaxInflightPerConnection = 4 }, _harness.ConfiguredEndpoint);
        RemoteStore store = await _harness.ConnectStoreAsync();
        var gate = new Gate();
        _harness.Store.Gate = gate;

        var gets = Enumerable.Range(0, 10).Select(i => store.GetAsync($"k{i}").AsTask()).ToArray();
        await gate.WaitForHeldAsync(4, s_wait);
        await Task.Delay(200);
        int heldWhileFull = gate.HeldCount;
        gate.Open();
        await Task.WhenAll(gets).WaitAsync(s_wait);

        Assert.That(heldWhileFull, Is.EqualTo(4));
        Assert.That(_harness.Store.Calls, Is.EqualTo(10));
    }

    [Test]
    public async Task Get_ServerNeverAnswers_TimesOutAndIsRetriedBecauseIdempotent()
    {
        RemoteStore store = await _harness.ConnectStoreAsync(o => o with { RequestTimeout = TimeSpan.FromMilliseconds(300), MaxAttempts = 3 });
        _harness.Store.Gate = new Gate();
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await store.GetAsync("k"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Timeout));
            Assert.That(ex.Message, Does.Contain("after 3 attempts").And.Contain("within"));
            Assert.That(_harness.Store.Calls, Is.EqualTo(3));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        });
    }

    [Test]
    public async Task Set_ServerNeverAnswers_TimesOutWithoutRetry()
    {
        RemoteStore store = await _harness.ConnectStoreAsync(o => o with { RequestTimeout = TimeSpan.FromMilliseconds(300), MaxAttempts = 3 });
        _harness.Store.Gate = new Gate();

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await store.SetAsync("k", "v"u8.ToArray()));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Timeout));
        Assert.That(ex.Message, Does.Contain("may or may not have been applied"));
        Assert.That(_harness.Store.Calls, Is.EqualTo(1), "a write that may have been applied is never retried");
    }

    [Test]
    public async Task Client_ServerRestartsOnSameEndpoint_ReconnectsAndServes()
    {
        RemoteStore store = await _harness.ConnectStoreAsync();
        await store.SetAsync("k", "v"u8.ToArray());
        string endpoint = _harness.Endpoint;

        await _harness.StopServerAsync(TimeSpan.FromSeconds(2));
        await _harness.Logs.WaitForEventAsync(3052, s_wait);
        await _harness.StartServerAsync(endpoint: endpoint);
        var hit = await store.GetAsync("k");

        Assert.That(hit.Found, Is.True);
        Assert.That(_harness.Logs.Entries.Count(e => e.EventId.Id == 3051), Is.GreaterThanOrEqualTo(2), "connected, then reconnected");
    }

    [Test]
    public async Task Server_StopWithRequestsInFlight_DrainsThemBeforeClosing()
    {
        RemoteStore store = await _harness.ConnectStoreAsync();
        await store.SetAsync("k", "v"u8.ToArray());
        var gate = new Gate();
        _harness.Store.Gate = gate;
        var gets = Enumerable.Range(0, 5).Select(_ => store.GetAsync("k").AsTask()).ToArray();
        await gate.WaitForHeldAsync(5, s_wait);

        Task stop = _harness.StopServerAsync(TimeSpan.FromSeconds(10));
        await _harness.Logs.WaitForEventAsync(3010, s_wait);
        gate.Open();
        var results = await Task.WhenAll(gets).WaitAsync(s_wait);
        await stop.WaitAsync(s_wait);

        Assert.That(results.All(r => r.Found), Is.True);
        Assert.That(_harness.Logs.Entries.Any(e => e.EventId.Id == 3011), Is.False, "the drain was not cut short");
    }

    [Test]
    public async Task Server_StopDrainDeadlinePasses_AbortsAndClientsSeeConnectionLost()
    {
        RemoteStore store = await _harness.ConnectStoreAsync();
        var gate = new Gate();
        _harness.Store.Gate = gate;
        Task<DkvException?> set = Assert.ThrowsAsync<DkvException>(async () => await store.SetAsync("k", "v"u8.ToArray()));
        await gate.WaitForHeldAsync(1, s_wait);

        await _harness.StopServerAsync(TimeSpan.FromMilliseconds(200));
        var ex = await set.WaitAsync(s_wait);

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.ConnectionLost));
        Assert.That(_harness.Logs.Entries.Any(e => e.EventId.Id == 3011), Is.True);
    }

    [Test]
    public async Task Client_DisposedWithRequestsInFlight_FailPromptlyWithConnectionLost()
    {
        IClientTransport client = await _harness.ConnectAsync();
        var store = new RemoteStore(client, _harness.Serializer, ServerHarness.StoreShard);
        var gate = new Gate();
        _harness.Store.Gate = gate;
        var gets = Enumerable.Range(0, 3).Select(_ => Assert.ThrowsAsync<DkvException>(async () => await store.GetAsync("k"))).ToArray();
        await gate.WaitForHeldAsync(3, s_wait);
        var clock = Stopwatch.StartNew();

        await client.DisposeAsync();
        var errors = await Task.WhenAll(gets).WaitAsync(s_wait);
        var afterDispose = await Assert.ThrowsAsync<DkvException>(async () => await store.GetAsync("k"));
        gate.Open();

        Assert.Multiple(() =>
        {
            Assert.That(errors.Select(e => e!.Code), Is.All.EqualTo(DkvErrorCode.ConnectionLost));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
            Assert.That(afterDispose!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
            Assert.That(afterDispose.Message, Does.Contain("disposed"));
        });
    }

    [Test]
    public async Task Client_SerializerDiffersFromServer_ConnectFailsWithReadableProtocolMismatch()
    {
        IClientTransport client = _harness.Factory.CreateClient(_harness.ClientOptions(o => o with { SerializerName = "msgpack" }), _harness.LoggerFactory);
        await using (client)
        {
            var ex = await Assert.ThrowsAsync<DkvException>(async () => await client.ConnectAsync(CancellationToken.None));

            Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.ProtocolMismatch));
            Assert.That(ex.Message, Does.Contain("serializer 'msgpack'").And.Contain("'binary'").And.Contain("--serializer binary"));
        }

        var logged = await _harness.Logs.WaitForEventAsync(3003, s_wait);
        Assert.That(logged.Message, Does.Contain("msgpack"));
    }

    [Test]
    public async Task Client_NothingListening_ConnectFailsWithUnavailableNamingTheEndpoint()
    {
        string endpoint = _harness.Endpoint;
        await _harness.StopServerAsync(TimeSpan.FromSeconds(1));
        IClientTransport client = _harness.Factory.CreateClient(new ClientTransportOptions { Endpoints = [endpoint], RequestTimeout = TimeSpan.FromSeconds(2) }, _harness.LoggerFactory);
        await using (client)
        {
            var ex = await Assert.ThrowsAsync<DkvException>(async () => await client.ConnectAsync(CancellationToken.None));

            Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
            Assert.That(ex.Message, Does.Contain(endpoint));
        }
    }

    [Test]
    public async Task Client_RequestOverMaxFrame_FailsWithTooLargeAndNothingIsSent()
    {
        RemoteStore store = await _harness.ConnectStoreAsync(o => o with { MaxFrameBytes = 1024 });

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await store.SetAsync("k", new byte[2000]));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.TooLarge));
        Assert.That(_harness.Store.Calls, Is.Zero);
    }

    [Test]
    public async Task Client_SeveralConnectionsPerEndpoint_OpensThemAllAndSpreadsRequests()
    {
        RemoteStore store = await _harness.ConnectStoreAsync(o => o with { Endpoints = [_harness.Endpoint, _harness.Endpoint], ConnectionsPerEndpoint = 2 });
        for (int i = 0; i < 8; i++)
        {
            await store.SetAsync($"k{i}", "v"u8.ToArray());
        }

        Assert.That(((ListenerServerTransport)_harness.Server).ConnectionCount, Is.EqualTo(4));
        Assert.That(_harness.Logs.Entries.Count(e => e.EventId.Id == 3002), Is.EqualTo(4));
    }

    [Test]
    public async Task Client_MaxPendingRequestsReached_NextRequestFailsAtOnceWithUnavailable()
    {
        RemoteStore store = await _harness.ConnectStoreAsync(o => o with { MaxPendingRequests = 2 });
        var gate = new Gate();
        _harness.Store.Gate = gate;
        var held = new[] { store.GetAsync("a").AsTask(), store.GetAsync("b").AsTask() };
        await gate.WaitForHeldAsync(2, s_wait);

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await store.GetAsync("c"));
        gate.Open();
        await Task.WhenAll(held).WaitAsync(s_wait);

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
        Assert.That(ex.Message, Does.Contain("MaxPendingRequests"));
        Assert.That(_harness.Store.Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task Server_ResponseOverItsMaxFrame_ClosesTheConnectionWithALoggedReason()
    {
        await _harness.Server.DisposeAsync();
        await _harness.StartServerAsync(o => o with { MaxFrameBytes = 1024 }, _harness.ConfiguredEndpoint);
        await _harness.Store.SetAsync("big", new byte[2000]);
        RemoteStore store = await _harness.ConnectStoreAsync(o => o with { MaxAttempts = 1 });

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await store.GetAsync("big"));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.ConnectionLost));
        await _harness.Logs.WaitForEventAsync(3012, s_wait);
        Assert.That(await store.HasAsync("big"), Is.True, "the client reconnects and small answers still work");
    }

    [Test]
    public async Task Get_CallerCancels_FailsWithCancelledAndIsNotRetried()
    {
        RemoteStore store = await _harness.ConnectStoreAsync(o => o with { MaxAttempts = 3 });
        _harness.Store.Gate = new Gate();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await store.GetAsync("k", cts.Token));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Cancelled));
        Assert.That(_harness.Store.Calls, Is.EqualTo(1));
    }
}
