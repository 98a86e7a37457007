using DKV.Core.Rpc;
using DKV.Transports.Tests.Infrastructure;

namespace DKV.Transports.Tests.Transport;

/// <summary>Round robin over endpoints, skipping a dead one, and picking it up again when it returns.</summary>
[TestFixture("tcp")]
[TestFixture("unix")]
[CancelAfter(30_000)]
public sealed class MultiEndpointTests(string transport)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    [Test]
    public async Task TwoEndpoints_RequestsAlternateBetweenThem()
    {
        await using ServerHarness a = await ServerHarness.StartAsync(transport);
        await using ServerHarness b = await ServerHarness.StartAsync(transport);
        var store = new RemoteStore(await a.ConnectAsync(o => o with { Endpoints = [a.Endpoint, b.Endpoint] }), a.Serializer, ServerHarness.StoreShard);

        for (int i = 0; i < 10; i++)
        {
            await store.HasAsync("k");
        }

        Assert.That(a.Store.Calls, Is.EqualTo(5));
        Assert.That(b.Store.Calls, Is.EqualTo(5));
    }

    [Test]
    public async Task OneEndpointDies_RequestsSkipItWithoutErrors()
    {
        await using ServerHarness a = await ServerHarness.StartAsync(transport);
        await using ServerHarness b = await ServerHarness.StartAsync(transport);
        var store = new RemoteStore(await a.ConnectAsync(o => o with { Endpoints = [a.Endpoint, b.Endpoint] }), a.Serializer, ServerHarness.StoreShard);
        await store.HasAsync("k");

        await a.StopServerAsync(TimeSpan.FromSeconds(2));
        await a.Logs.WaitForEventAsync(3052, s_wait);
        int callsOnBBefore = b.Store.Calls;
        for (int i = 0; i < 10; i++)
        {
            await store.SetAsync($"k{i}", "v"u8.ToArray());
        }

        Assert.That(b.Store.Calls - callsOnBBefore, Is.EqualTo(10));
    }

    [Test]
    public async Task OneEndpointDownAtConnect_ConnectsToTheOtherAndPicksItUpLater()
    {
        await using ServerHarness a = await ServerHarness.StartAsync(transport);
        await using ServerHarness b = await ServerHarness.StartAsync(transport);
        string endpointA = a.Endpoint;
        await a.StopServerAsync(TimeSpan.FromSeconds(2));
        var store = new RemoteStore(await b.ConnectAsync(o => o with { Endpoints = [endpointA, b.Endpoint] }), b.Serializer, ServerHarness.StoreShard);
        Assert.That(await store.HasAsync("k"), Is.False);

        await a.StartServerAsync(endpoint: endpointA);
        await b.Logs.WaitForAsync(e => e.EventId.Id == 3051 && e.Message.Contains(endpointA, StringComparison.Ordinal), s_wait);
        for (int i = 0; i < 10; i++)
        {
            await store.HasAsync("k");
        }

        Assert.That(a.Store.Calls, Is.GreaterThanOrEqualTo(4), "the returned endpoint takes its share again");
    }
}
