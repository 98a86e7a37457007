using DKV.Core.Errors;
using DKV.Core.Storage;
using DKV.Core.Stores;
using DKV.Testing.Engines;
using DKV.Testing.Infrastructure;
using static DKV.Core.Tests.Stores.StoreHarness;

namespace DKV.Core.Tests.Stores;

/// <summary>Argument checks, size limits and unsupported engine features: each fails with a typed error and applies nothing.</summary>
public sealed class LocalStoreValidationTests
{
    private static readonly TimeSpan s_negative = TimeSpan.FromTicks(-1);

    /// <summary>Every store operation, called with the given key (value "v", no deadlines).</summary>
    public static IEnumerable<TestCaseData> Operations()
    {
        yield return Op("Set", EngineFeatures.Set, (s, k) => s.SetAsync(k, Bytes("v")));
        yield return Op("SetE", EngineFeatures.SetE, (s, k) => s.SetEAsync(k, Bytes("v"), TimeSpan.Zero, TimeSpan.Zero));
        yield return Op("SetEIfUnset", EngineFeatures.SetEIfUnset, (s, k) => s.SetEIfUnsetAsync(k, Bytes("v"), TimeSpan.Zero, TimeSpan.Zero));
        yield return Op("CompareAndSetE", EngineFeatures.CompareAndSetE, (s, k) => s.CompareAndSetEAsync(k, Bytes("v"), Bytes("w"), TimeSpan.Zero, TimeSpan.Zero));
        yield return Op("Expire", EngineFeatures.Expire, (s, k) => s.ExpireAsync(k));
        yield return Op("Delete", EngineFeatures.Delete, (s, k) => s.DeleteAsync(k));
        yield return Op("CompareAndDelete", EngineFeatures.CompareAndDelete, (s, k) => s.CompareAndDeleteAsync(k, Bytes("v")));
        yield return Op("Get", EngineFeatures.Get, (s, k) => s.GetAsync(k));
        yield return Op("Has", EngineFeatures.Has, (s, k) => s.HasAsync(k));
    }

    /// <summary>The writes that take durations, called with the given expireIn and deleteIn.</summary>
    public static IEnumerable<TestCaseData> TimedWrites()
    {
        yield return Timed("SetE", (s, e, d) => s.SetEAsync("k", Bytes("v"), e, d));
        yield return Timed("SetEIfUnset", (s, e, d) => s.SetEIfUnsetAsync("k", Bytes("v"), e, d));
        yield return Timed("CompareAndSetE", (s, e, d) => s.CompareAndSetEAsync("k", Bytes("v"), Bytes("w"), e, d));
    }

    [TestCaseSource(nameof(Operations))]
    public async Task Operation_NullKey_InvalidArgument(EngineFeatures feature, Func<IStore, string, ValueTask> call)
    {
        using var h = new StoreHarness();

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await call(h.Store, null!));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain("key is null"));
        Assert.That(h.Store.WriteIndex, Is.Zero, $"{feature} consumed a write index");
    }

    [TestCaseSource(nameof(Operations))]
    public async Task Operation_KeyOverLimit_TooLarge(EngineFeatures feature, Func<IStore, string, ValueTask> call)
    {
        using var h = new StoreHarness(options: new LocalStoreOptions { MaxKeyBytes = 8 });

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await call(h.Store, "123456789"));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.TooLarge), feature.ToString());
        Assert.That(ex.Message, Does.Contain("9 UTF-8 bytes").And.Contain("MaxKeyBytes"));
    }

    [TestCaseSource(nameof(Operations))]
    public async Task Operation_EngineLacksTheFeature_Unsupported(EngineFeatures feature, Func<IStore, string, ValueTask> call)
    {
        using var h = new StoreHarness(e => new InterceptingEngine(e) { FeaturesOverride = EngineFeatures.All & ~feature });

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await call(h.Store, "k"));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Unsupported));
        Assert.That(ex.Message, Does.Contain($"does not support {feature}").And.Contain("'model'"));
        Assert.That(h.Store.WriteIndex, Is.Zero);
    }

    [TestCaseSource(nameof(Operations))]
    public void Operation_EngineLacksOnlyOtherFeatures_Works(EngineFeatures feature, Func<IStore, string, ValueTask> call)
    {
        using var h = new StoreHarness(e => new InterceptingEngine(e) { FeaturesOverride = feature });

        Assert.That(async () => await call(h.Store, "k"), Throws.Nothing);
    }

    [TestCaseSource(nameof(TimedWrites))]
    public async Task TimedWrite_NegativeExpireIn_InvalidArgument(Func<IStore, TimeSpan, TimeSpan, ValueTask> call)
    {
        using var h = new StoreHarness();

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await call(h.Store, s_negative, TimeSpan.Zero));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain("expireIn").And.Contain("negative"));
        Assert.That(h.Store.WriteIndex, Is.Zero);
    }

    [TestCaseSource(nameof(TimedWrites))]
    public async Task TimedWrite_NegativeDeleteIn_InvalidArgument(Func<IStore, TimeSpan, TimeSpan, ValueTask> call)
    {
        using var h = new StoreHarness();

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await call(h.Store, TimeSpan.Zero, s_negative));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain("deleteIn"));
    }

    [Test]
    public async Task Key_ExactlyAtLimitInUtf8Bytes_Accepted()
    {
        using var h = new StoreHarness(options: new LocalStoreOptions { MaxKeyBytes = 6 });

        await h.Store.SetAsync("ééé", Bytes("v"));

        Assert.That(await h.ValueOfAsync("ééé"), Is.EqualTo("v"));
        Assert.That(async () => await h.Store.SetAsync("éééa", Bytes("v")), Throws.InstanceOf<DkvException>().With.Property("Code").EqualTo(DkvErrorCode.TooLarge));
    }

    [Test]
    public async Task Value_AtAndOverLimit_AcceptedThenTooLarge()
    {
        using var h = new StoreHarness(options: new LocalStoreOptions { MaxValueBytes = 4 });

        await h.Store.SetAsync("k", new byte[4]);
        var ex = await Assert.ThrowsAsync<DkvException>(async () => await h.Store.SetEAsync("k", new byte[5], TimeSpan.Zero, TimeSpan.Zero));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.TooLarge));
        Assert.That(ex.Message, Does.Contain("5 bytes").And.Contain("MaxValueBytes"));
        Assert.That((await h.Store.GetAsync("k")).Value.Length, Is.EqualTo(4));
    }

    [Test]
    public async Task CompareValue_OverLimit_TooLarge()
    {
        using var h = new StoreHarness(options: new LocalStoreOptions { MaxValueBytes = 4 });

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await h.Store.CompareAndDeleteAsync("k", new byte[5]));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.TooLarge));
        Assert.That(ex.Message, Does.Contain("expected value"));
    }

    [Test]
    public async Task GetDBInfo_EngineWithNoFeatures_StillAnswers()
    {
        using var h = new StoreHarness(e => new InterceptingEngine(e) { FeaturesOverride = EngineFeatures.None });

        StoreInfo info = await h.Store.GetDBInfoAsync();

        Assert.That(info.StoreKind, Is.EqualTo("lstore"));
    }

    [TestCase(0, 1024, 16)]
    [TestCase(16, -1, 16)]
    [TestCase(16, 1024, 0)]
    [TestCase(16, 1024, 12)]
    [TestCase(16, 1024, 1 << 17)]
    public void Constructor_OptionOutOfRange_Throws(int maxKeyBytes, int maxValueBytes, int stripes)
    {
        using var engine = new ModelEngine();
        var options = new LocalStoreOptions { MaxKeyBytes = maxKeyBytes, MaxValueBytes = maxValueBytes, WriteLockStripes = stripes };

        Assert.That(() => new LocalStore(engine, new ManualTimeProvider(), options), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    private static TestCaseData Op<T>(string name, EngineFeatures feature, Func<IStore, string, ValueTask<T>> call) =>
        new TestCaseData(feature, (Func<IStore, string, ValueTask>)(async (s, k) => await call(s, k))).SetArgDisplayNames(name);

    private static TestCaseData Timed(string name, Func<IStore, TimeSpan, TimeSpan, ValueTask<WriteResult>> call) =>
        new TestCaseData((Func<IStore, TimeSpan, TimeSpan, ValueTask>)(async (s, e, d) => await call(s, e, d))).SetArgDisplayNames(name);
}
