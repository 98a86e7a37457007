using DKV.Core.Stores;
using static DKV.Core.Tests.Stores.StoreHarness;

namespace DKV.Core.Tests.Stores;

/// <summary>TTL semantics of lstore, all on the manual clock: deadlines are fixed at write time from the store's TimeProvider.</summary>
public sealed class LocalStoreTtlTests
{
    private static readonly TimeSpan s_expire = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_delete = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_tick = TimeSpan.FromTicks(1);

    [Test]
    public async Task SetE_BeforeExpireDeadline_GetFindsValueAndHasTrue()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), s_expire, s_delete);

        h.Clock.Advance(s_expire - s_tick);

        Assert.That(await h.ValueOfAsync("k"), Is.EqualTo("v"));
        Assert.That(await h.Store.HasAsync("k"), Is.True);
    }

    [Test]
    public async Task SetE_AtExactExpireDeadline_GetNotFoundButHasTrue()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), s_expire, s_delete);

        h.Clock.Advance(s_expire);

        GetResult read = await h.Store.GetAsync("k");
        Assert.That(read.Found, Is.False);
        Assert.That(read.Index, Is.Zero);
        Assert.That(await h.Store.HasAsync("k"), Is.True);
    }

    [Test]
    public async Task SetE_OneTickBeforeDeleteDeadline_HasStillTrue()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), s_expire, s_delete);

        h.Clock.Advance(s_delete - s_tick);

        Assert.That(await h.Store.HasAsync("k"), Is.True);
        Assert.That((await h.Store.GetAsync("k")).Found, Is.False);
    }

    [Test]
    public async Task SetE_AtExactDeleteDeadline_GetAndHasBothFalse()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), s_expire, s_delete);

        h.Clock.Advance(s_delete);

        Assert.That((await h.Store.GetAsync("k")).Found, Is.False);
        Assert.That(await h.Store.HasAsync("k"), Is.False);
    }

    [Test]
    public async Task SetE_DeleteOnly_VisibleUntilDeleteDeadlineThenGone()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), TimeSpan.Zero, s_delete);

        h.Clock.Advance(s_delete - s_tick);
        Assert.That(await h.ValueOfAsync("k"), Is.EqualTo("v"));

        h.Clock.Advance(s_tick);
        Assert.That(await h.ValueOfAsync("k"), Is.Null);
        Assert.That(await h.Store.HasAsync("k"), Is.False);
    }

    [Test]
    public async Task SetE_DeleteBeforeExpire_DeleteDeadlineWins()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), s_delete, s_expire);

        h.Clock.Advance(s_expire);

        Assert.That(await h.ValueOfAsync("k"), Is.Null);
        Assert.That(await h.Store.HasAsync("k"), Is.False);
    }

    [Test]
    public async Task SetE_ZeroDurations_NeverExpires()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), TimeSpan.Zero, TimeSpan.Zero);

        h.Clock.Advance(TimeSpan.FromDays(3650));

        Assert.That(await h.ValueOfAsync("k"), Is.EqualTo("v"));
    }

    [Test]
    public async Task SetE_MaximalDuration_SaturatesAndNeverExpires()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), TimeSpan.MaxValue, TimeSpan.MaxValue);

        h.Clock.Advance(TimeSpan.FromDays(365 * 100));

        Assert.That(await h.ValueOfAsync("k"), Is.EqualTo("v"));
    }

    [Test]
    public async Task SetE_DeadlineCountsFromTheWriteNotFromTheKeysCreation()
    {
        using var h = new StoreHarness();
        await h.Store.SetAsync("k", Bytes("v1"));
        h.Clock.Advance(TimeSpan.FromSeconds(5));
        await h.Store.SetEAsync("k", Bytes("v2"), s_expire, TimeSpan.Zero);

        h.Clock.Advance(s_expire - s_tick);
        Assert.That(await h.ValueOfAsync("k"), Is.EqualTo("v2"));

        h.Clock.Advance(s_tick);
        Assert.That(await h.ValueOfAsync("k"), Is.Null);
    }

    [Test]
    public async Task Set_AfterSetE_ClearsDeadlines()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v1"), s_expire, s_delete);
        await h.Store.SetAsync("k", Bytes("v2"));

        h.Clock.Advance(s_delete * 2);

        Assert.That(await h.ValueOfAsync("k"), Is.EqualTo("v2"));
        Assert.That(await h.Store.HasAsync("k"), Is.True);
    }

    [Test]
    public async Task SetEIfUnset_ExpiredButNotDeleted_DoesNotApply()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("old"), s_expire, s_delete);
        h.Clock.Advance(s_expire);

        WriteResult result = await h.Store.SetEIfUnsetAsync("k", Bytes("new"), TimeSpan.Zero, TimeSpan.Zero);

        Assert.That(result.Applied, Is.False);
        Assert.That(await h.ValueOfAsync("k"), Is.Null);
        Assert.That(await h.Store.HasAsync("k"), Is.True);
    }

    [Test]
    public async Task SetEIfUnset_AtDeleteDeadline_Applies()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("old"), s_expire, s_delete);
        h.Clock.Advance(s_delete - s_tick);
        Assert.That((await h.Store.SetEIfUnsetAsync("k", Bytes("early"), TimeSpan.Zero, TimeSpan.Zero)).Applied, Is.False);

        h.Clock.Advance(s_tick);
        WriteResult result = await h.Store.SetEIfUnsetAsync("k", Bytes("new"), TimeSpan.Zero, TimeSpan.Zero);

        Assert.That(result.Applied, Is.True);
        Assert.That(await h.ValueOfAsync("k"), Is.EqualTo("new"));
    }

    [Test]
    public async Task CompareAndSetE_OnExpiredKey_DoesNotApply()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), s_expire, s_delete);
        h.Clock.Advance(s_expire);

        WriteResult result = await h.Store.CompareAndSetEAsync("k", Bytes("v"), Bytes("w"), TimeSpan.Zero, TimeSpan.Zero);

        Assert.That(result.Applied, Is.False);
        Assert.That(await h.ValueOfAsync("k"), Is.Null);
    }

    [Test]
    public async Task CompareAndDelete_OnExpiredKey_DoesNotApply()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), s_expire, s_delete);
        h.Clock.Advance(s_expire);

        WriteResult result = await h.Store.CompareAndDeleteAsync("k", Bytes("v"));

        Assert.That(result.Applied, Is.False);
        Assert.That(await h.Store.HasAsync("k"), Is.True);
    }

    [Test]
    public async Task Expire_VisibleKey_GetFalseAndHasTrueUntilItsDeleteDeadline()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), TimeSpan.Zero, s_delete);
        h.Clock.Advance(TimeSpan.FromSeconds(1));

        WriteResult result = await h.Store.ExpireAsync("k");

        Assert.That(result.Applied, Is.True);
        Assert.That(await h.ValueOfAsync("k"), Is.Null);
        Assert.That(await h.Store.HasAsync("k"), Is.True);
        h.Clock.Advance(s_delete - TimeSpan.FromSeconds(1));
        Assert.That(await h.Store.HasAsync("k"), Is.False);
    }

    [Test]
    public async Task Expire_AlreadyExpiredKey_NotApplied()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), s_expire, s_delete);
        h.Clock.Advance(s_expire);

        Assert.That((await h.Store.ExpireAsync("k")).Applied, Is.False);
    }

    [Test]
    public async Task Delete_ExpiredButNotDeletedKey_AppliesAndHasTurnsFalse()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), s_expire, s_delete);
        h.Clock.Advance(s_expire);

        Assert.That((await h.Store.DeleteAsync("k")).Applied, Is.True);
        Assert.That(await h.Store.HasAsync("k"), Is.False);
    }

    [Test]
    public async Task Reads_WallClockStepsBack_ExpiredKeyStaysExpired()
    {
        using var h = new StoreHarness();
        await h.Store.SetEAsync("k", Bytes("v"), s_expire, TimeSpan.Zero);
        h.Clock.Advance(s_expire);
        Assert.That(await h.ValueOfAsync("k"), Is.Null);

        h.Clock.SetUtcNow(h.Clock.GetUtcNow() - TimeSpan.FromHours(1));

        Assert.That(await h.ValueOfAsync("k"), Is.Null);
    }

    [Test]
    public async Task Writes_WallClockStepsBack_DeadlinesCountFromTheLatestTimeSeen()
    {
        using var h = new StoreHarness();
        await h.Store.SetAsync("warmup", Bytes("x"));
        h.Clock.SetUtcNow(h.Clock.GetUtcNow() - TimeSpan.FromHours(1));
        await h.Store.SetEAsync("k", Bytes("v"), s_expire, TimeSpan.Zero);

        // Had the deadline been computed from the stepped-back clock, the key would be expired an hour early; it is not.
        h.Clock.SetUtcNow(h.Clock.GetUtcNow() + TimeSpan.FromHours(1));
        Assert.That(await h.ValueOfAsync("k"), Is.EqualTo("v"));
        h.Clock.Advance(s_expire);
        Assert.That(await h.ValueOfAsync("k"), Is.Null);
    }
}
