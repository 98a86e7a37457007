using System.Text;
using DKV.Core.Storage;

namespace DKV.Testing.Engines;

/// <summary>
/// The conformance suite every <see cref="IKVDB"/> must pass. A third-party engine inherits this fixture, implements
/// <see cref="CreateEngine"/> and gets every test (see <c>MapleConformanceTests</c> for an example).
/// </summary>
/// <remarks>
/// Times are explicit UTC ticks passed to the engine (it reads no clock), so every TTL test is deterministic. Randomized tests
/// print their seed on failure. Tests that need an optional feature (Save/Load, Collect) are reported as ignored when the engine
/// does not declare it.
/// </remarks>
public abstract partial class EngineConformanceTests
{
    /// <summary>An arbitrary fixed instant (2026-01-01 UTC) used as "now" by the tests.</summary>
    protected static readonly long T0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private readonly List<IKVDB> _engines = [];
    private ulong _index;

    /// <summary>The engine under test, new for every test.</summary>
    protected IKVDB Engine { get; private set; } = null!;

    /// <summary>Creates a new, empty engine. Called once per test, and again by tests that need a second engine.</summary>
    protected abstract IKVDB CreateEngine();

    /// <summary>Size of the value used by the large-value edge case.</summary>
    protected virtual int LargeValueBytes => 16 << 20;

    [SetUp]
    public void SetUpEngine()
    {
        _index = 0;
        Engine = NewEngine();
    }

    [TearDown]
    public void DisposeEngines()
    {
        foreach (IKVDB engine in _engines)
        {
            engine.Dispose();
        }

        _engines.Clear();
    }

    /// <summary>Another engine from <see cref="CreateEngine"/>, disposed after the test.</summary>
    protected IKVDB NewEngine()
    {
        IKVDB engine = CreateEngine();
        _engines.Add(engine);
        return engine;
    }

    /// <summary>The next write stamp: index one above the last one handed out, at <paramref name="time"/> (default <see cref="T0"/>).</summary>
    protected WriteStamp Next(long? time = null) => new(++_index, time ?? T0);

    protected static long Seconds(double seconds) => TimeSpan.FromSeconds(seconds).Ticks;

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(ReadResult result) => Encoding.UTF8.GetString(result.Value.Span);

    [Test]
    public void Name_IsNotEmpty_AndFeaturesDeclareBasics()
    {
        Assert.That(Engine.Name, Is.Not.Empty);
        Assert.That(Engine.Features.HasFlag(EngineFeatures.Set | EngineFeatures.Get | EngineFeatures.Has | EngineFeatures.Delete), Is.True);
    }

    [Test]
    public void Set_NewKey_GetReturnsValueAndIndex()
    {
        WriteStamp stamp = Next();
        Assert.That(Engine.Set("k", Bytes("v1"), stamp), Is.True);

        ReadResult read = Engine.Get("k", T0);
        Assert.That(read.Found, Is.True);
        Assert.That(Text(read), Is.EqualTo("v1"));
        Assert.That(read.Index, Is.EqualTo(stamp.Index));
    }

    [Test]
    public void Set_ExistingKey_Overwrites()
    {
        Engine.Set("k", Bytes("v1"), Next());
        WriteStamp second = Next();
        Assert.That(Engine.Set("k", Bytes("v2"), second), Is.True);

        ReadResult read = Engine.Get("k", T0);
        Assert.That(Text(read), Is.EqualTo("v2"));
        Assert.That(read.Index, Is.EqualTo(second.Index));
    }

    [Test]
    public void Get_MissingKey_NotFound()
    {
        Engine.Set("other", Bytes("v"), Next());
        ReadResult read = Engine.Get("missing", T0);
        Assert.That(read.Found, Is.False);
        Assert.That(read.Value.IsEmpty, Is.True);
        Assert.That(read.Index, Is.Zero);
    }

    [Test]
    public void Get_ValueHandedOut_UnchangedByLaterWrites()
    {
        Engine.Set("k", Bytes("first"), Next());
        ReadOnlyMemory<byte> held = Engine.Get("k", T0).Value;
        Engine.Set("k", Bytes("second"), Next());
        Engine.Delete("k", Next());
        Engine.Collect(T0 + Seconds(1), int.MaxValue);

        Assert.That(Encoding.UTF8.GetString(held.Span), Is.EqualTo("first"));
    }

    [Test]
    public void Has_PresentAndMissingKeys_AnswersPresence()
    {
        Engine.Set("k", Bytes("v"), Next());
        Assert.That(Engine.Has("k", T0), Is.True);
        Assert.That(Engine.Has("missing", T0), Is.False);
    }

    [Test]
    public void Set_AfterSetE_ClearsDeadlines()
    {
        Engine.SetE("k", Bytes("v1"), T0 + Seconds(10), T0 + Seconds(20), Next());
        Engine.Set("k", Bytes("v2"), Next());

        long farFuture = T0 + Seconds(1_000_000);
        Assert.That(Text(Engine.Get("k", farFuture)), Is.EqualTo("v2"));
        Assert.That(Engine.Has("k", farFuture), Is.True);
    }

    [Test]
    public void Delete_PresentKey_ReturnsTrueAndRemoves()
    {
        Engine.Set("k", Bytes("v"), Next());
        Assert.That(Engine.Delete("k", Next()), Is.True);
        Assert.That(Engine.Get("k", T0).Found, Is.False);
        Assert.That(Engine.Has("k", T0), Is.False);
    }

    [Test]
    public void Delete_MissingKey_ReturnsFalse()
    {
        Assert.That(Engine.Delete("missing", Next()), Is.False);
        Assert.That(Engine.Has("missing", T0), Is.False);
    }

    [Test]
    public void Delete_Twice_SecondReturnsFalse()
    {
        Engine.Set("k", Bytes("v"), Next());
        Assert.That(Engine.Delete("k", Next()), Is.True);
        Assert.That(Engine.Delete("k", Next()), Is.False);
    }

    [Test]
    public void Set_AfterDelete_RecreatesKey()
    {
        Engine.Set("k", Bytes("v1"), Next());
        Engine.Delete("k", Next());
        Assert.That(Engine.Set("k", Bytes("v2"), Next()), Is.True);
        Assert.That(Text(Engine.Get("k", T0)), Is.EqualTo("v2"));
    }

    [Test]
    public void WriteIndex_AfterWrites_IsHighestSeenIncludingIgnored()
    {
        Assert.That(Engine.WriteIndex, Is.Zero);
        Engine.Set("k", Bytes("v"), new WriteStamp(10, T0));
        Engine.Set("k", Bytes("old"), new WriteStamp(5, T0));
        Assert.That(Engine.WriteIndex, Is.EqualTo(10UL));
        Engine.Delete("missing", new WriteStamp(12, T0));
        Assert.That(Engine.WriteIndex, Is.EqualTo(12UL));
    }

    [Test]
    public void DistinctKeys_ManyWithDeletes_NeverShareAnEntry()
    {
        for (int i = 0; i < 1000; i++)
        {
            Engine.Set($"key-{i}", Bytes($"value-{i}"), Next());
        }

        for (int i = 0; i < 1000; i += 2)
        {
            Assert.That(Engine.Delete($"key-{i}", Next()), Is.True);
        }

        for (int i = 0; i < 1000; i++)
        {
            ReadResult read = Engine.Get($"key-{i}", T0);
            Assert.That(read.Found, Is.EqualTo(i % 2 == 1), $"key-{i}");
            if (read.Found)
            {
                Assert.That(Text(read), Is.EqualTo($"value-{i}"));
            }
        }
    }
}
