using DKV.Core.Storage;

namespace DKV.Testing.Engines;

/// <summary>Expire and delete deadlines: Get stops at the expire deadline, Has at the delete deadline.</summary>
public abstract partial class EngineConformanceTests
{
    [Test]
    public void SetE_ExpireAndDeleteDeadlines_GetThenHasStop()
    {
        // Upstream's KeyExpiry case in wall-clock form: expire after 10 s, delete after 20 s.
        Engine.SetE("k", Bytes("v"), T0 + Seconds(10), T0 + Seconds(20), Next());

        Assert.That(Engine.Get("k", T0 + Seconds(9.9)).Found, Is.True);
        Assert.That(Engine.Get("k", T0 + Seconds(10)).Found, Is.False, "expired at the deadline");
        Assert.That(Engine.Has("k", T0 + Seconds(10)), Is.True, "expired keys still count for Has");
        Assert.That(Engine.Has("k", T0 + Seconds(19.9)), Is.True);
        Assert.That(Engine.Has("k", T0 + Seconds(20)), Is.False, "deleted at the delete deadline");
        Assert.That(Engine.Get("k", T0 + Seconds(20)).Found, Is.False);
    }

    [Test]
    public void SetE_DeleteDeadlineOnly_GetAndHasStopTogether()
    {
        Engine.SetE("k", Bytes("v"), 0, T0 + Seconds(10), Next());
        Assert.That(Engine.Get("k", T0 + Seconds(9)).Found, Is.True);
        Assert.That(Engine.Get("k", T0 + Seconds(10)).Found, Is.False);
        Assert.That(Engine.Has("k", T0 + Seconds(10)), Is.False);
    }

    [Test]
    public void SetE_NoDeadlines_NeverExpires()
    {
        Engine.SetE("k", Bytes("v"), 0, 0, Next());
        Assert.That(Engine.Get("k", DateTime.MaxValue.Ticks).Found, Is.True);
    }

    [Test]
    public void SetE_ExpireOnly_HasStaysTrueForever()
    {
        Engine.SetE("k", Bytes("v"), T0 + Seconds(1), 0, Next());
        Engine.Collect(T0 + Seconds(100), int.MaxValue);
        Assert.That(Engine.Get("k", T0 + Seconds(100)).Found, Is.False);
        Assert.That(Engine.Has("k", DateTime.MaxValue.Ticks), Is.True);
    }

    [Test]
    public void Get_EarlierInstantThanDeadline_StillVisible()
    {
        // Reads judge the instant they are given; nothing is remembered between reads.
        Engine.SetE("k", Bytes("v"), T0 + Seconds(10), 0, Next());
        Assert.That(Engine.Get("k", T0 + Seconds(15)).Found, Is.False);
        Assert.That(Engine.Get("k", T0 + Seconds(5)).Found, Is.True);
    }

    [Test]
    public void SetE_ManyKeysWithSpreadDeadlines_EachExpiresOnTime()
    {
        for (int i = 0; i < 1000; i++)
        {
            Engine.SetE($"key-{i}", Bytes("v"), T0 + Seconds((i % 100) + 1), 0, Next());
        }

        foreach (int second in new[] { 0, 1, 37, 50, 99, 100 })
        {
            long now = T0 + Seconds(second);
            for (int i = 0; i < 1000; i++)
            {
                bool expected = (i % 100) + 1 > second;
                Assert.That(Engine.Get($"key-{i}", now).Found, Is.EqualTo(expected), $"key-{i} at +{second}s");
                Assert.That(Engine.Has($"key-{i}", now), Is.True);
            }
        }
    }

    [Test]
    public void Expire_VisibleKey_ReturnsTrueGetStopsHasContinues()
    {
        Engine.Set("k", Bytes("v"), Next());
        Assert.That(Engine.Expire("k", Next()), Is.True);
        Assert.That(Engine.Get("k", T0).Found, Is.False);
        Assert.That(Engine.Has("k", T0), Is.True);
        Assert.That(Engine.Has("k", DateTime.MaxValue.Ticks), Is.True);
    }

    [Test]
    public void Expire_KeyWithDeleteDeadline_KeepsDeleteDeadline()
    {
        Engine.SetE("k", Bytes("v"), 0, T0 + Seconds(20), Next());
        Assert.That(Engine.Expire("k", Next(T0 + Seconds(5))), Is.True);
        Assert.That(Engine.Get("k", T0 + Seconds(6)).Found, Is.False);
        Assert.That(Engine.Has("k", T0 + Seconds(19)), Is.True);
        Assert.That(Engine.Has("k", T0 + Seconds(20)), Is.False);
    }

    [Test]
    public void Expire_MissingKey_ReturnsFalseAndCreatesNothing()
    {
        Assert.That(Engine.Expire("missing", Next()), Is.False);
        Assert.That(Engine.Has("missing", T0), Is.False);
    }

    [Test]
    public void Expire_AlreadyExpiredKey_ReturnsFalse()
    {
        Engine.SetE("k", Bytes("v"), T0 + Seconds(1), 0, Next());
        Assert.That(Engine.Expire("k", Next(T0 + Seconds(2))), Is.False);
        Assert.That(Engine.Has("k", T0 + Seconds(2)), Is.True);
    }

    [Test]
    public void Expire_DeletedKey_ReturnsFalse()
    {
        Engine.Set("k", Bytes("v"), Next());
        Engine.Delete("k", Next());
        Assert.That(Engine.Expire("k", Next()), Is.False);
        Assert.That(Engine.Has("k", T0), Is.False);
    }

    [Test]
    public void Delete_ExpiredButNotDeletedKey_ReturnsTrue()
    {
        Engine.SetE("k", Bytes("v"), T0 + Seconds(1), 0, Next());
        Assert.That(Engine.Delete("k", Next(T0 + Seconds(2))), Is.True);
        Assert.That(Engine.Has("k", T0 + Seconds(2)), Is.False);
    }

    [Test]
    public void Delete_KeyPastDeleteDeadline_ReturnsFalse()
    {
        Engine.SetE("k", Bytes("v"), 0, T0 + Seconds(1), Next());
        Assert.That(Engine.Delete("k", Next(T0 + Seconds(2))), Is.False);
    }

    [Test]
    public void WriteStamp_DeadlineAfter_FeedsSetE()
    {
        WriteStamp stamp = Next(T0);
        Engine.SetE("k", Bytes("v"), stamp.DeadlineAfter(TimeSpan.FromSeconds(30)), stamp.DeadlineAfter(TimeSpan.Zero), stamp);
        Assert.That(Engine.Get("k", T0 + Seconds(29)).Found, Is.True);
        Assert.That(Engine.Get("k", T0 + Seconds(30)).Found, Is.False);
        Assert.That(Engine.Has("k", DateTime.MaxValue.Ticks), Is.True);
    }
}
