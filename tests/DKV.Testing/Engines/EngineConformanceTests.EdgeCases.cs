using DKV.Core.Storage;

namespace DKV.Testing.Engines;

/// <summary>Edge cases of keys and values, and the stale-write rule for every write operation.</summary>
public abstract partial class EngineConformanceTests
{
    /// <summary>Every write operation, applied to key <c>k</c> with value "new" where it takes one.</summary>
    public enum WriteOp
    {
        Set,
        SetE,
        SetEIfUnset,
        CompareAndSetE,
        Expire,
        Delete,
        CompareAndDelete,
    }

    [TestCase("")]
    [TestCase("ключ")]
    [TestCase("键-🔑")]
    [TestCase("tab\tnewline\nnul\0")]
    [TestCase("e\u0301 and \u00e9 differ")]
    public void Set_UnusualKey_RoundTrips(string key)
    {
        Assert.That(Engine.Set(key, Bytes("v"), Next()), Is.True);
        Assert.That(Text(Engine.Get(key, T0)), Is.EqualTo("v"));
        Assert.That(Engine.Has(key, T0), Is.True);
        Assert.That(Engine.Delete(key, Next()), Is.True);
        Assert.That(Engine.Has(key, T0), Is.False);
    }

    [Test]
    public void Set_KeysDifferingOnlyInNormalization_AreDistinct()
    {
        Engine.Set("\u00e9", Bytes("precomposed"), Next());
        Engine.Set("e\u0301", Bytes("combining"), Next());
        Assert.That(Text(Engine.Get("\u00e9", T0)), Is.EqualTo("precomposed"));
        Assert.That(Text(Engine.Get("e\u0301", T0)), Is.EqualTo("combining"));
    }

    [Test]
    public void Set_EmptyValue_IsFoundAndEmpty()
    {
        Engine.Set("k", ReadOnlyMemory<byte>.Empty, Next());
        ReadResult read = Engine.Get("k", T0);
        Assert.That(read.Found, Is.True);
        Assert.That(read.Value.Length, Is.Zero);
    }

    [Test]
    public void Set_ThousandCharKey_RoundTrips()
    {
        string key = new('x', 1000);
        Engine.Set(key, Bytes("long"), Next());
        Assert.That(Text(Engine.Get(key, T0)), Is.EqualTo("long"));
        Assert.That(Engine.Get(new string('x', 999), T0).Found, Is.False);
    }

    [Test]
    public void Set_LargeValue_RoundTripsBytes()
    {
        byte[] value = new byte[LargeValueBytes];
        new Random(42).NextBytes(value);
        Engine.Set("big", value, Next());

        ReadResult read = Engine.Get("big", T0);
        Assert.That(read.Found, Is.True);
        Assert.That(read.Value.Span.SequenceEqual(value), Is.True);
    }

    [Test]
    public void Write_NullKey_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => Engine.Set(null!, Bytes("v"), Next()));
        Assert.Throws<ArgumentNullException>(() => Engine.Get(null!, T0));
        Assert.Throws<ArgumentNullException>(() => Engine.Has(null!, T0));
    }

    [TestCase(WriteOp.Set)]
    [TestCase(WriteOp.SetE)]
    [TestCase(WriteOp.SetEIfUnset)]
    [TestCase(WriteOp.CompareAndSetE)]
    [TestCase(WriteOp.Expire)]
    [TestCase(WriteOp.Delete)]
    [TestCase(WriteOp.CompareAndDelete)]
    public void Write_StaleIndex_IgnoredAndReportsNotApplied(WriteOp op)
    {
        Engine.Set("k", Bytes("current"), new WriteStamp(10, T0));

        bool applied = Apply(op, Engine, "k", expected: "current", new WriteStamp(9, T0));

        Assert.That(applied, Is.False);
        ReadResult read = Engine.Get("k", T0);
        Assert.That(Text(read), Is.EqualTo("current"));
        Assert.That(read.Index, Is.EqualTo(10UL));
        Assert.That(Engine.WriteIndex, Is.EqualTo(10UL));
    }

    [TestCase(WriteOp.Set)]
    [TestCase(WriteOp.SetE)]
    [TestCase(WriteOp.CompareAndSetE)]
    [TestCase(WriteOp.Expire)]
    [TestCase(WriteOp.Delete)]
    [TestCase(WriteOp.CompareAndDelete)]
    public void Write_EqualIndex_Applies(WriteOp op)
    {
        Engine.Set("k", Bytes("current"), new WriteStamp(10, T0));
        Assert.That(Apply(op, Engine, "k", expected: "current", new WriteStamp(10, T0)), Is.True);
    }

    /// <summary>Applies <paramref name="op"/> to <paramref name="key"/>; conditional ones compare against <paramref name="expected"/>.</summary>
    protected static bool Apply(WriteOp op, IKVDB engine, string key, string expected, WriteStamp stamp)
    {
        ArgumentNullException.ThrowIfNull(engine);
        byte[] value = Bytes("new");
        long expireAt = stamp.TimeUtcTicks + Seconds(60);
        return op switch
        {
            WriteOp.Set => engine.Set(key, value, stamp),
            WriteOp.SetE => engine.SetE(key, value, expireAt, 0, stamp),
            WriteOp.SetEIfUnset => engine.SetEIfUnset(key, value, expireAt, 0, stamp),
            WriteOp.CompareAndSetE => engine.CompareAndSetE(key, Bytes(expected), value, expireAt, 0, stamp),
            WriteOp.Expire => engine.Expire(key, stamp),
            WriteOp.Delete => engine.Delete(key, stamp),
            WriteOp.CompareAndDelete => engine.CompareAndDelete(key, Bytes(expected), stamp),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "unknown write operation"),
        };
    }
}
