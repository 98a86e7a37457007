using DKV.Core.Errors;
using DKV.Core.Storage;
using DKV.Core.Stores;
using DKV.Testing.Engines;
using DKV.Testing.Infrastructure;
using static DKV.Core.Tests.Stores.StoreHarness;

namespace DKV.Core.Tests.Stores;

/// <summary>What each lstore operation reports (Applied, Index) and what it leaves behind.</summary>
public sealed class LocalStoreResultTests
{
    [Test]
    public async Task Set_Always_AppliedAtConsecutiveIndices()
    {
        using var h = new StoreHarness();

        WriteResult first = await h.Store.SetAsync("a", Bytes("1"));
        WriteResult second = await h.Store.SetAsync("a", Bytes("2"));

        Assert.That(first, Is.EqualTo(new WriteResult(true, 1)));
        Assert.That(second, Is.EqualTo(new WriteResult(true, 2)));
        Assert.That(h.Store.WriteIndex, Is.EqualTo(2UL));
    }

    [Test]
    public async Task Get_AfterWrites_ReportsIndexOfTheLastChangingWrite()
    {
        using var h = new StoreHarness();
        await h.Store.SetAsync("a", Bytes("1"));
        await h.Store.SetAsync("b", Bytes("x"));
        WriteResult last = await h.Store.SetEAsync("a", Bytes("2"), TimeSpan.Zero, TimeSpan.Zero);

        GetResult read = await h.Store.GetAsync("a");

        Assert.That(read.Found, Is.True);
        Assert.That(Text(read.Value), Is.EqualTo("2"));
        Assert.That(read.Index, Is.EqualTo(last.Index));
    }

    [Test]
    public async Task Reads_DoNotAdvanceTheWriteIndex()
    {
        using var h = new StoreHarness();
        await h.Store.SetAsync("a", Bytes("1"));

        await h.Store.GetAsync("a");
        await h.Store.HasAsync("a");
        await h.Store.GetDBInfoAsync();

        Assert.That((await h.Store.SetAsync("a", Bytes("2"))).Index, Is.EqualTo(2UL));
    }

    [Test]
    public async Task NotAppliedWrites_StillConsumeAnIndex()
    {
        using var h = new StoreHarness();

        WriteResult missingDelete = await h.Store.DeleteAsync("absent");
        WriteResult set = await h.Store.SetAsync("a", Bytes("1"));

        Assert.That(missingDelete, Is.EqualTo(new WriteResult(false, 1)));
        Assert.That(set.Index, Is.EqualTo(2UL));
    }

    [Test]
    public async Task SetEIfUnset_AbsentThenPresent_AppliesOnlyFirst()
    {
        using var h = new StoreHarness();

        WriteResult first = await h.Store.SetEIfUnsetAsync("k", Bytes("one"), TimeSpan.Zero, TimeSpan.Zero);
        WriteResult second = await h.Store.SetEIfUnsetAsync("k", Bytes("two"), TimeSpan.Zero, TimeSpan.Zero);

        Assert.That(first, Is.EqualTo(new WriteResult(true, 1)));
        Assert.That(second, Is.EqualTo(new WriteResult(false, 2)));
        Assert.That(await h.ValueOfAsync("k"), Is.EqualTo("one"));
        Assert.That((await h.Store.GetAsync("k")).Index, Is.EqualTo(1UL));
    }

    [Test]
    public async Task CompareAndSetE_MatchingValue_AppliesAndMovesIndex()
    {
        using var h = new StoreHarness();
        await h.Store.SetAsync("k", Bytes("old"));

        WriteResult result = await h.Store.CompareAndSetEAsync("k", Bytes("old"), Bytes("new"), TimeSpan.Zero, TimeSpan.Zero);

        Assert.That(result, Is.EqualTo(new WriteResult(true, 2)));
        Assert.That(await h.ValueOfAsync("k"), Is.EqualTo("new"));
        Assert.That((await h.Store.GetAsync("k")).Index, Is.EqualTo(2UL));
    }

    [Test]
    public async Task CompareAndSetE_OtherValue_NotAppliedAndUnchanged()
    {
        using var h = new StoreHarness();
        await h.Store.SetAsync("k", Bytes("old"));

        WriteResult result = await h.Store.CompareAndSetEAsync("k", Bytes("olD"), Bytes("new"), TimeSpan.Zero, TimeSpan.Zero);

        Assert.That(result, Is.EqualTo(new WriteResult(false, 2)));
        Assert.That(await h.ValueOfAsync("k"), Is.EqualTo("old"));
        Assert.That((await h.Store.GetAsync("k")).Index, Is.EqualTo(1UL));
    }

    [Test]
    public async Task CompareAndSetE_AbsentKey_NotApplied()
    {
        using var h = new StoreHarness();

        WriteResult result = await h.Store.CompareAndSetEAsync("k", ReadOnlyMemory<byte>.Empty, Bytes("new"), TimeSpan.Zero, TimeSpan.Zero);

        Assert.That(result.Applied, Is.False);
        Assert.That(await h.Store.HasAsync("k"), Is.False);
    }

    [Test]
    public async Task Expire_PresentAndAbsent_ReportsWhetherKeyWasVisible()
    {
        using var h = new StoreHarness();
        await h.Store.SetAsync("k", Bytes("v"));

        WriteResult present = await h.Store.ExpireAsync("k");
        WriteResult absent = await h.Store.ExpireAsync("missing");

        Assert.That(present, Is.EqualTo(new WriteResult(true, 2)));
        Assert.That(absent, Is.EqualTo(new WriteResult(false, 3)));
        Assert.That(await h.ValueOfAsync("k"), Is.Null);
        Assert.That(await h.Store.HasAsync("k"), Is.True);
    }

    [Test]
    public async Task Delete_PresentAndAbsent_ReportsWhetherKeyWasThere()
    {
        using var h = new StoreHarness();
        await h.Store.SetAsync("k", Bytes("v"));

        WriteResult present = await h.Store.DeleteAsync("k");
        WriteResult again = await h.Store.DeleteAsync("k");

        Assert.That(present, Is.EqualTo(new WriteResult(true, 2)));
        Assert.That(again, Is.EqualTo(new WriteResult(false, 3)));
        Assert.That(await h.Store.HasAsync("k"), Is.False);
    }

    [Test]
    public async Task CompareAndDelete_MatchingValue_DeletesOtherwiseKeeps()
    {
        using var h = new StoreHarness();
        await h.Store.SetAsync("k", Bytes("mine"));

        WriteResult wrong = await h.Store.CompareAndDeleteAsync("k", Bytes("theirs"));
        Assert.That(wrong, Is.EqualTo(new WriteResult(false, 2)));
        Assert.That(await h.ValueOfAsync("k"), Is.EqualTo("mine"));

        WriteResult right = await h.Store.CompareAndDeleteAsync("k", Bytes("mine"));
        Assert.That(right, Is.EqualTo(new WriteResult(true, 3)));
        Assert.That(await h.Store.HasAsync("k"), Is.False);

        Assert.That((await h.Store.CompareAndDeleteAsync("k", Bytes("mine"))).Applied, Is.False);
    }

    [Test]
    public async Task Set_CallerReusesItsBuffer_StoredValueUnchanged()
    {
        using var h = new StoreHarness();
        byte[] buffer = Bytes("before");

        await h.Store.SetAsync("k", buffer);
        Bytes("after!").CopyTo(buffer, 0);

        Assert.That(await h.ValueOfAsync("k"), Is.EqualTo("before"));
    }

    [Test]
    public async Task GetDBInfo_ReportsStoreKindAndEngineFigures()
    {
        using var h = new StoreHarness();
        await h.Store.SetAsync("a", Bytes("1"));
        await h.Store.SetAsync("b", Bytes("2"));

        StoreInfo info = await h.Store.GetDBInfoAsync();

        Assert.That(info.StoreKind, Is.EqualTo("lstore"));
        Assert.That(info.Engine.EngineName, Is.EqualTo("model"));
        Assert.That(info.Engine.KeyCount, Is.EqualTo(2));
        Assert.That(info.Engine.WriteIndex, Is.EqualTo(2UL));
    }

    [Test]
    public void Operations_OnAnInMemoryEngine_CompleteSynchronously()
    {
        using var h = new StoreHarness();

        Assert.That(h.Store.SetAsync("k", Bytes("v")).IsCompletedSuccessfully, Is.True);
        Assert.That(h.Store.GetAsync("k").IsCompletedSuccessfully, Is.True);
        Assert.That(h.Store.HasAsync("k").IsCompletedSuccessfully, Is.True);
        Assert.That(h.Store.CompareAndDeleteAsync("k", Bytes("v")).IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task NewStore_OverAnEngineWithHistory_ContinuesAboveItsWriteIndex()
    {
        using var engine = new ModelEngine();
        long now = ManualTimeProvider.DefaultStart.UtcTicks;
        engine.Set("k", Bytes("loaded"), new WriteStamp(100, now));
        var store = new LocalStore(engine, new ManualTimeProvider());

        WriteResult result = await store.SetAsync("k", Bytes("new"));

        Assert.That(result, Is.EqualTo(new WriteResult(true, 101)));
        Assert.That(Text((await store.GetAsync("k")).Value), Is.EqualTo("new"));
    }

    [Test]
    public async Task Write_CancelledToken_ThrowsAndAppliesNothing()
    {
        using var h = new StoreHarness();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        Assert.That(async () => await h.Store.SetAsync("k", Bytes("v"), cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await h.Store.HasAsync("k"), Is.False);
        Assert.That(h.Store.WriteIndex, Is.Zero);
    }

    [Test]
    public async Task Write_EngineThrows_SurfacesAsInternalErrorWithTheCause()
    {
        var boom = new InvalidOperationException("disk on fire");
        using var h = new StoreHarness(e => new InterceptingEngine(e) { BeforeWrite = (_, _, _) => throw boom });

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await h.Store.SetAsync("k", Bytes("v")));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Internal));
        Assert.That(ex.InnerException, Is.SameAs(boom));
        Assert.That(ex.Message, Does.Contain("Set").And.Contain("'k'").And.Contain("disk on fire"));
    }
}
