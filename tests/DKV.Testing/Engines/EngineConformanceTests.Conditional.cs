using DKV.Core.Storage;

namespace DKV.Testing.Engines;

/// <summary>SetEIfUnset, CompareAndSetE and CompareAndDelete: each reports whether it applied.</summary>
public abstract partial class EngineConformanceTests
{
    [Test]
    public void SetEIfUnset_AbsentKey_AppliesAndReportsTrue()
    {
        Assert.That(Engine.SetEIfUnset("k", Bytes("v"), 0, 0, Next()), Is.True);
        Assert.That(Text(Engine.Get("k", T0)), Is.EqualTo("v"));
    }

    [Test]
    public void SetEIfUnset_PresentKey_ReportsFalseAndKeepsValue()
    {
        Engine.Set("k", Bytes("first"), Next());
        Assert.That(Engine.SetEIfUnset("k", Bytes("second"), 0, 0, Next()), Is.False);
        Assert.That(Text(Engine.Get("k", T0)), Is.EqualTo("first"));
    }

    [Test]
    public void SetEIfUnset_ExpiredButNotDeletedKey_CountsAsSet()
    {
        Engine.SetE("k", Bytes("first"), T0 + Seconds(1), 0, Next());
        Assert.That(Engine.SetEIfUnset("k", Bytes("second"), 0, 0, Next(T0 + Seconds(2))), Is.False);
        Assert.That(Engine.Get("k", T0 + Seconds(2)).Found, Is.False);
        Assert.That(Engine.Has("k", T0 + Seconds(2)), Is.True);
    }

    [Test]
    public void SetEIfUnset_KeyPastDeleteDeadline_Applies()
    {
        Engine.SetE("k", Bytes("first"), 0, T0 + Seconds(1), Next());
        Assert.That(Engine.SetEIfUnset("k", Bytes("second"), 0, 0, Next(T0 + Seconds(2))), Is.True);
        Assert.That(Text(Engine.Get("k", T0 + Seconds(2))), Is.EqualTo("second"));
    }

    [Test]
    public void SetEIfUnset_AfterDelete_Applies()
    {
        Engine.Set("k", Bytes("first"), Next());
        Engine.Delete("k", Next());
        Assert.That(Engine.SetEIfUnset("k", Bytes("second"), 0, 0, Next()), Is.True);
        Assert.That(Text(Engine.Get("k", T0)), Is.EqualTo("second"));
    }

    [Test]
    public void SetEIfUnset_WithDeadlines_ExpiresAndDeletesOnTime()
    {
        Assert.That(Engine.SetEIfUnset("k", Bytes("v"), T0 + Seconds(11), T0 + Seconds(20), Next()), Is.True);
        Assert.That(Engine.Get("k", T0 + Seconds(10)).Found, Is.True);
        Assert.That(Engine.Get("k", T0 + Seconds(11)).Found, Is.False);
        Assert.That(Engine.Has("k", T0 + Seconds(11)), Is.True);
        Assert.That(Engine.Has("k", T0 + Seconds(20)), Is.False);
    }

    [Test]
    public void CompareAndSetE_MatchingValue_AppliesWithDeadlines()
    {
        Engine.Set("k", Bytes("old"), Next());
        WriteStamp stamp = Next();
        Assert.That(Engine.CompareAndSetE("k", Bytes("old"), Bytes("new"), T0 + Seconds(5), 0, stamp), Is.True);

        ReadResult read = Engine.Get("k", T0);
        Assert.That(Text(read), Is.EqualTo("new"));
        Assert.That(read.Index, Is.EqualTo(stamp.Index));
        Assert.That(Engine.Get("k", T0 + Seconds(5)).Found, Is.False);
    }

    [Test]
    public void CompareAndSetE_DifferentValue_ReportsFalseAndKeepsValue()
    {
        Engine.Set("k", Bytes("old"), Next());
        Assert.That(Engine.CompareAndSetE("k", Bytes("other"), Bytes("new"), 0, 0, Next()), Is.False);
        Assert.That(Engine.CompareAndSetE("k", Bytes("ol"), Bytes("new"), 0, 0, Next()), Is.False, "a prefix is not equal");
        Assert.That(Text(Engine.Get("k", T0)), Is.EqualTo("old"));
    }

    [Test]
    public void CompareAndSetE_MissingKey_ReportsFalseAndCreatesNothing()
    {
        Assert.That(Engine.CompareAndSetE("k", ReadOnlySpan<byte>.Empty, Bytes("new"), 0, 0, Next()), Is.False);
        Assert.That(Engine.Has("k", T0), Is.False);
    }

    [Test]
    public void CompareAndSetE_ExpiredKey_ReportsFalse()
    {
        Engine.SetE("k", Bytes("old"), T0 + Seconds(1), 0, Next());
        Assert.That(Engine.CompareAndSetE("k", Bytes("old"), Bytes("new"), 0, 0, Next(T0 + Seconds(1))), Is.False);
        Assert.That(Engine.Get("k", T0 + Seconds(1)).Found, Is.False);
    }

    [Test]
    public void CompareAndSetE_EmptyExpectedOnEmptyValue_Applies()
    {
        Engine.Set("k", ReadOnlyMemory<byte>.Empty, Next());
        Assert.That(Engine.CompareAndSetE("k", ReadOnlySpan<byte>.Empty, Bytes("new"), 0, 0, Next()), Is.True);
        Assert.That(Text(Engine.Get("k", T0)), Is.EqualTo("new"));
    }

    [Test]
    public void CompareAndDelete_MatchingValue_DeletesAndReportsTrue()
    {
        Engine.SetE("lock", Bytes("owner-1"), 0, T0 + Seconds(30), Next());
        Assert.That(Engine.CompareAndDelete("lock", Bytes("owner-1"), Next()), Is.True);
        Assert.That(Engine.Has("lock", T0), Is.False);
    }

    [Test]
    public void CompareAndDelete_DifferentValue_ReportsFalseAndKeepsKey()
    {
        Engine.Set("lock", Bytes("owner-1"), Next());
        Assert.That(Engine.CompareAndDelete("lock", Bytes("owner-2"), Next()), Is.False);
        Assert.That(Text(Engine.Get("lock", T0)), Is.EqualTo("owner-1"));
    }

    [Test]
    public void CompareAndDelete_MissingKey_ReportsFalse()
    {
        Assert.That(Engine.CompareAndDelete("lock", Bytes("owner-1"), Next()), Is.False);
    }

    [Test]
    public void CompareAndDelete_ExpiredKey_ReportsFalse()
    {
        Engine.SetE("lock", Bytes("owner-1"), T0 + Seconds(1), 0, Next());
        Assert.That(Engine.CompareAndDelete("lock", Bytes("owner-1"), Next(T0 + Seconds(1))), Is.False);
        Assert.That(Engine.Has("lock", T0 + Seconds(1)), Is.True);
    }
}
