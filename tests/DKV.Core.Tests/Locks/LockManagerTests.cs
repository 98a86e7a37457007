using DKV.Core.Errors;
using DKV.Core.Locks;
using DKV.Core.Storage;
using DKV.Core.Stores;
using DKV.Core.Tests.Stores;
using static DKV.Core.Tests.Locks.LockHarness;

namespace DKV.Core.Tests.Locks;

/// <summary>Acquire, release and refresh, one client at a time, on the manual clock.</summary>
public sealed class LockManagerTests
{
    private static readonly TimeSpan s_ttl = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_tick = TimeSpan.FromTicks(1);

    [Test]
    public async Task Acquire_FreeLock_AcquiredWithTheWriteIndexAsToken()
    {
        using var h = new LockHarness();
        await h.Store.SetAsync("unrelated", Owner("x"));

        LockResult result = await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));

        Assert.That(result.Acquired, Is.True);
        Assert.That(StoreHarness.Text(result.OwnerId), Is.EqualTo("alice"));
        Assert.That(result.FencingToken, Is.EqualTo(2UL));
        Assert.That(await h.HolderAsync("lock"), Is.EqualTo("alice"));
    }

    [Test]
    public async Task Acquire_HeldByAnother_NotAcquired()
    {
        using var h = new LockHarness();
        await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));

        LockResult result = await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("bob"));

        Assert.That(result, Is.EqualTo(LockResult.NotAcquired));
        Assert.That(await h.HolderAsync("lock"), Is.EqualTo("alice"));
    }

    [Test]
    public async Task Acquire_NoOwnerGiven_Generates16RandomBytes()
    {
        using var h = new LockHarness();

        LockResult first = await h.Manager.AcquireLockAsync("a", s_ttl);
        LockResult second = await h.Manager.AcquireLockAsync("b", s_ttl);

        Assert.That(first.OwnerId.Length, Is.EqualTo(LockManager.GeneratedOwnerIdBytes));
        Assert.That(first.OwnerId.Span.SequenceEqual(second.OwnerId.Span), Is.False);
        Assert.That(await h.Manager.ReleaseLockAsync("a", first.OwnerId), Is.True);
    }

    [Test]
    public async Task Acquire_RetriedWithTheSameOwner_IdempotentSameToken()
    {
        using var h = new LockHarness();
        LockResult first = await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));

        LockResult retry = await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));

        Assert.That(retry.Acquired, Is.True);
        Assert.That(retry.FencingToken, Is.EqualTo(first.FencingToken));
        Assert.That(await h.HolderAsync("lock"), Is.EqualTo("alice"));
    }

    [Test]
    public async Task Acquire_OneTickBeforeTtl_StillHeld()
    {
        using var h = new LockHarness();
        await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));

        h.Clock.Advance(s_ttl - s_tick);

        Assert.That((await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("bob"))).Acquired, Is.False);
    }

    [Test]
    public async Task Acquire_AfterTtlExpires_AnotherOwnerGetsItWithALargerToken()
    {
        using var h = new LockHarness();
        LockResult alice = await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));

        h.Clock.Advance(s_ttl);
        LockResult bob = await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("bob"));

        Assert.That(bob.Acquired, Is.True);
        Assert.That(bob.FencingToken, Is.GreaterThan(alice.FencingToken));
        Assert.That(await h.HolderAsync("lock"), Is.EqualTo("bob"));
        Assert.That(await h.Manager.ReleaseLockAsync("lock", Owner("alice")), Is.False);
    }

    [Test]
    public async Task Release_ByTheOwner_FreesTheLock()
    {
        using var h = new LockHarness();
        await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));

        Assert.That(await h.Manager.ReleaseLockAsync("lock", Owner("alice")), Is.True);

        Assert.That(await h.Store.HasAsync("lock"), Is.False);
        Assert.That((await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("bob"))).Acquired, Is.True);
    }

    [Test]
    public async Task Release_ByANonOwner_FalseAndLockStillHeld()
    {
        using var h = new LockHarness();
        await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));

        Assert.That(await h.Manager.ReleaseLockAsync("lock", Owner("mallory")), Is.False);

        Assert.That(await h.HolderAsync("lock"), Is.EqualTo("alice"));
    }

    [Test]
    public async Task Release_LockNobodyHolds_False()
    {
        using var h = new LockHarness();

        Assert.That(await h.Manager.ReleaseLockAsync("never-taken", Owner("alice")), Is.False);
    }

    [Test]
    public async Task Release_Twice_SecondIsFalse()
    {
        using var h = new LockHarness();
        await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));

        Assert.That(await h.Manager.ReleaseLockAsync("lock", Owner("alice")), Is.True);
        Assert.That(await h.Manager.ReleaseLockAsync("lock", Owner("alice")), Is.False);
    }

    [Test]
    public async Task Refresh_ByTheOwner_ExtendsTheLeaseWithALargerToken()
    {
        using var h = new LockHarness();
        LockResult acquired = await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));
        h.Clock.Advance(TimeSpan.FromSeconds(8));

        LockResult refreshed = await h.Manager.RefreshLockAsync("lock", Owner("alice"), s_ttl);
        h.Clock.Advance(TimeSpan.FromSeconds(8));

        Assert.That(refreshed.Acquired, Is.True);
        Assert.That(refreshed.FencingToken, Is.GreaterThan(acquired.FencingToken));
        Assert.That((await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("bob"))).Acquired, Is.False);
        Assert.That(await h.HolderAsync("lock"), Is.EqualTo("alice"));
        h.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That((await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("bob"))).Acquired, Is.True);
    }

    [Test]
    public async Task Refresh_ByANonOwner_NotAcquiredAndLeaseUnchanged()
    {
        using var h = new LockHarness();
        LockResult alice = await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));

        LockResult refreshed = await h.Manager.RefreshLockAsync("lock", Owner("mallory"), TimeSpan.FromHours(1));

        Assert.That(refreshed, Is.EqualTo(LockResult.NotAcquired));
        Assert.That((await h.Store.GetAsync("lock")).Index, Is.EqualTo(alice.FencingToken));
        h.Clock.Advance(s_ttl);
        Assert.That(await h.Store.HasAsync("lock"), Is.False);
    }

    [Test]
    public async Task Refresh_AfterTheLeaseExpired_NotAcquired()
    {
        using var h = new LockHarness();
        await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));
        h.Clock.Advance(s_ttl);

        Assert.That((await h.Manager.RefreshLockAsync("lock", Owner("alice"), s_ttl)).Acquired, Is.False);
        Assert.That(await h.Store.HasAsync("lock"), Is.False);
    }

    [TestCase(0)]
    [TestCase(-1)]
    public async Task Acquire_TtlNotPositive_InvalidArgument(long ttlTicks)
    {
        using var h = new LockHarness();

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await h.Manager.AcquireLockAsync("lock", TimeSpan.FromTicks(ttlTicks), Owner("a")));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain("ttl").And.Contain("positive"));
        Assert.That(h.Store.WriteIndex, Is.Zero);
    }

    [Test]
    public async Task Refresh_TtlZero_InvalidArgument()
    {
        using var h = new LockHarness();

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await h.Manager.RefreshLockAsync("lock", Owner("a"), TimeSpan.Zero));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
    }

    [Test]
    public async Task Operations_NullKey_InvalidArgument()
    {
        using var h = new LockHarness();

        foreach (Func<Task> call in new Func<Task>[]
        {
            async () => await h.Manager.AcquireLockAsync(null!, s_ttl),
            async () => await h.Manager.AcquireLockAsync(null!, s_ttl, TimeSpan.FromSeconds(1)),
            async () => await h.Manager.ReleaseLockAsync(null!, Owner("a")),
            async () => await h.Manager.RefreshLockAsync(null!, Owner("a"), s_ttl),
        })
        {
            var ex = await Assert.ThrowsAsync<DkvException>(async () => await call());
            Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        }
    }

    [Test]
    public async Task ReleaseAndRefresh_EmptyOwner_InvalidArgument()
    {
        using var h = new LockHarness();

        var release = await Assert.ThrowsAsync<DkvException>(async () => await h.Manager.ReleaseLockAsync("lock", ReadOnlyMemory<byte>.Empty));
        var refresh = await Assert.ThrowsAsync<DkvException>(async () => await h.Manager.RefreshLockAsync("lock", ReadOnlyMemory<byte>.Empty, s_ttl));

        Assert.That(release!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(refresh!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
    }

    [Test]
    public async Task Acquire_OwnerOverLimit_TooLarge()
    {
        using var h = new LockHarness(new LockManagerOptions { MaxOwnerIdBytes = 4 });

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await h.Manager.AcquireLockAsync("lock", s_ttl, new byte[5]));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.TooLarge));
        Assert.That(ex.Message, Does.Contain("MaxOwnerIdBytes"));
    }

    [Test]
    public async Task Release_StoreWithoutCompareAndDelete_Unsupported()
    {
        using var engine = new InterceptingEngine(new Testing.Engines.ModelEngine()) { FeaturesOverride = EngineFeatures.All & ~EngineFeatures.CompareAndDelete };
        var clock = new Testing.Infrastructure.ManualTimeProvider();
        var manager = new LockManager(new LocalStore(engine, clock), clock, random: new Random(Seed));
        await manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await manager.ReleaseLockAsync("lock", Owner("alice")));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Unsupported));
        Assert.That(ex.Message, Does.Contain("CompareAndDelete"));
    }

    [TestCase(0, 500, 3600, 10)]
    [TestCase(20, 10, 3600, 10)]
    [TestCase(10, 500, -1, 10)]
    [TestCase(10, 500, 3600, 0)]
    public void Constructor_OptionOutOfRange_Throws(int initialMs, int maxMs, int maxWaitSeconds, int maxAttempts)
    {
        var options = new LockManagerOptions
        {
            InitialRetryDelay = TimeSpan.FromMilliseconds(initialMs),
            MaxRetryDelay = TimeSpan.FromMilliseconds(maxMs),
            MaxWait = TimeSpan.FromSeconds(maxWaitSeconds),
            MaxAttempts = maxAttempts,
        };
        using var engine = new Testing.Engines.ModelEngine();
        var clock = new Testing.Infrastructure.ManualTimeProvider();

        Assert.That(() => new LockManager(new LocalStore(engine, clock), clock, options), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
