using System.Text;
using DKV.Core.Errors;
using DKV.Core.Rpc;
using DKV.Transports.Tests.Infrastructure;

namespace DKV.Transports.Tests.Rpc;

/// <summary><see cref="RemoteStore"/> and <see cref="RemoteLockManager"/> against a live in-process server, over each transport and serializer.</summary>
[TestFixture("tcp", "binary")]
[TestFixture("unix", "binary")]
[TestFixture("tcp", "msgpack")]
[TestFixture("tcp", "memorypack")]
[TestFixture("tcp", "json")]
[CancelAfter(30_000)]
public sealed class RemoteShardTests(string transport, string serializer)
{
    private ServerHarness _harness = null!;

    [SetUp]
    public async Task SetUp() => _harness = await ServerHarness.StartAsync(transport, serializer: serializer);

    [TearDown]
    public async Task TearDown() => await _harness.DisposeAsync();

    [Test]
    public async Task RemoteStore_SetGetHasDelete_RoundTrips()
    {
        RemoteStore store = await _harness.ConnectStoreAsync();

        var set = await store.SetAsync("foo", "bar"u8.ToArray());
        var hit = await store.GetAsync("foo");
        bool has = await store.HasAsync("foo");
        var deleted = await store.DeleteAsync("foo");
        var miss = await store.GetAsync("foo");

        Assert.Multiple(() =>
        {
            Assert.That(set.Applied, Is.True);
            Assert.That(set.Index, Is.EqualTo(1UL));
            Assert.That(hit.Found, Is.True);
            Assert.That(Encoding.UTF8.GetString(hit.Value.Span), Is.EqualTo("bar"));
            Assert.That(hit.Index, Is.EqualTo(1UL));
            Assert.That(has, Is.True);
            Assert.That(deleted.Applied, Is.True);
            Assert.That(miss.Found, Is.False);
        });
    }

    [Test]
    public async Task RemoteStore_ConditionalWrites_ReportWhetherApplied()
    {
        RemoteStore store = await _harness.ConnectStoreAsync();

        var first = await store.SetEIfUnsetAsync("k", "1"u8.ToArray(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        var second = await store.SetEIfUnsetAsync("k", "2"u8.ToArray(), TimeSpan.Zero, TimeSpan.Zero);
        var casWrong = await store.CompareAndSetEAsync("k", "x"u8.ToArray(), "3"u8.ToArray(), TimeSpan.Zero, TimeSpan.Zero);
        var casRight = await store.CompareAndSetEAsync("k", "1"u8.ToArray(), "3"u8.ToArray(), TimeSpan.Zero, TimeSpan.Zero);
        var cadWrong = await store.CompareAndDeleteAsync("k", "1"u8.ToArray());
        var cadRight = await store.CompareAndDeleteAsync("k", "3"u8.ToArray());

        Assert.That(
            new[] { first.Applied, second.Applied, casWrong.Applied, casRight.Applied, cadWrong.Applied, cadRight.Applied },
            Is.EqualTo(new[] { true, false, false, true, false, true }));
    }

    [Test]
    public async Task RemoteStore_EmptyValue_IsFoundAndEmpty()
    {
        RemoteStore store = await _harness.ConnectStoreAsync();

        await store.SetAsync("empty", ReadOnlyMemory<byte>.Empty);
        var hit = await store.GetAsync("empty");

        Assert.That(hit.Found, Is.True);
        Assert.That(hit.Value.Length, Is.Zero);
    }

    [Test]
    public async Task RemoteStore_DbInfo_CarriesTheStoreInfo()
    {
        RemoteStore store = await _harness.ConnectStoreAsync();
        await store.SetAsync("a", "b"u8.ToArray());

        var info = await store.GetDBInfoAsync();

        Assert.Multiple(() =>
        {
            Assert.That(info.StoreKind, Is.EqualTo("fake-store"));
            Assert.That(info.Engine.EngineName, Is.EqualTo("fake"));
            Assert.That(info.Engine.KeyCount, Is.EqualTo(1));
            Assert.That(info.Engine.Metadata["note"], Is.EqualTo("test"));
        });
    }

    [Test]
    public async Task RemoteShards_List_EveryShardByIdWhateverTheFrameShard()
    {
        var shards = await RemoteShards.ListAsync(await _harness.ConnectAsync(), _harness.Serializer);

        Assert.That(shards, Is.EqualTo(new[] { new ShardDescription(ServerHarness.StoreShard, "lstore"), new ShardDescription(ServerHarness.LockShard, "lockmgr(lstore)") }));
    }

    [Test]
    public async Task RemoteLockManager_AcquireRefreshRelease_FollowsOwnership()
    {
        var locks = new RemoteLockManager(await _harness.ConnectAsync(), _harness.Serializer, ServerHarness.LockShard);
        byte[] other = "other-owner"u8.ToArray();

        var acquired = await locks.AcquireLockAsync("L", TimeSpan.FromSeconds(30));
        var contended = await locks.AcquireLockAsync("L", TimeSpan.FromSeconds(30), other);
        var again = await locks.AcquireLockAsync("L", TimeSpan.FromSeconds(30), acquired.OwnerId);
        var refreshed = await locks.RefreshLockAsync("L", acquired.OwnerId, TimeSpan.FromSeconds(60));
        bool wrongRelease = await locks.ReleaseLockAsync("L", other);
        bool released = await locks.ReleaseLockAsync("L", acquired.OwnerId);

        Assert.Multiple(() =>
        {
            Assert.That(acquired.Acquired, Is.True);
            Assert.That(acquired.OwnerId.Length, Is.EqualTo(16), "an owner id is chosen on the client so a retried acquire is idempotent");
            Assert.That(acquired.FencingToken, Is.GreaterThan(0UL));
            Assert.That(contended.Acquired, Is.False);
            Assert.That(again.Acquired, Is.True);
            Assert.That(again.FencingToken, Is.EqualTo(acquired.FencingToken));
            Assert.That(refreshed.FencingToken, Is.EqualTo(acquired.FencingToken));
            Assert.That(_harness.Locks.LastTtl, Is.EqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(wrongRelease, Is.False);
            Assert.That(released, Is.True);
        });
    }

    [Test]
    public async Task RemoteLockManager_AcquireWithWait_SendsTheWaitToTheServer()
    {
        var locks = new RemoteLockManager(await _harness.ConnectAsync(), _harness.Serializer, ServerHarness.LockShard);

        await locks.AcquireLockAsync("W", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(1500));

        Assert.That(_harness.Locks.LastWait, Is.EqualTo(TimeSpan.FromMilliseconds(1500)));
    }

    [Test]
    public async Task RemoteStore_UnknownShard_FailsWithUnknownShardNamingTheShards()
    {
        var store = new RemoteStore(await _harness.ConnectAsync(), _harness.Serializer, 999);

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await store.GetAsync("k"));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.UnknownShard));
        Assert.That(ex.Message, Does.Contain("shard 999").And.Contain("100 (lstore)").And.Contain("200 (lockmgr(lstore))"));
    }

    [Test]
    public async Task RemoteLockManager_OnStoreShard_FailsWithUnknownMessageType()
    {
        var locks = new RemoteLockManager(await _harness.ConnectAsync(), _harness.Serializer, ServerHarness.StoreShard);

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await locks.AcquireLockAsync("k", TimeSpan.FromSeconds(1)));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.UnknownMessageType));
        Assert.That(ex.Message, Does.Contain("acquire").And.Contain("100 (lstore)"));
    }

    [Test]
    public async Task RemoteStore_ShardThrowsDkvException_ClientGetsSameCodeAndMessage()
    {
        RemoteStore store = await _harness.ConnectStoreAsync();
        _harness.Store.Failure = new DkvException(DkvErrorCode.NotLeader, "node 2 is not the leader; try node 1");

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await store.SetAsync("k", "v"u8.ToArray()));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.NotLeader));
        Assert.That(ex.Message, Is.EqualTo("node 2 is not the leader; try node 1"));
    }

    [Test]
    public async Task RemoteStore_ShardThrowsUnexpectedException_ClientGetsInternalWithoutStack()
    {
        RemoteStore store = await _harness.ConnectStoreAsync();
        _harness.Store.Failure = new InvalidOperationException("secret detail");

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await store.GetAsync("k"));
        _harness.Store.Failure = null;
        var after = await store.GetAsync("k");

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Internal));
            Assert.That(ex.Message, Does.Contain("InvalidOperationException").And.Not.Contain("secret detail").And.Not.Contain(" at "));
            Assert.That(_harness.Logs.Entries.Any(e => e.EventId.Id == 3100 && e.Exception is InvalidOperationException), Is.True, "the stack goes to the server log");
            Assert.That(after.Found, Is.False, "the connection survives an application error");
        });
    }

    [Test]
    public async Task RemoteStore_NegativeTtl_FailsBeforeSending()
    {
        RemoteStore store = await _harness.ConnectStoreAsync();

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await store.SetEAsync("k", "v"u8.ToArray(), TimeSpan.FromSeconds(-1), TimeSpan.Zero));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(_harness.Store.Calls, Is.Zero);
    }
}
