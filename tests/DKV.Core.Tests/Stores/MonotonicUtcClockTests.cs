using DKV.Core.Stores;
using DKV.Testing.Infrastructure;

namespace DKV.Core.Tests.Stores;

public sealed class MonotonicUtcClockTests
{
    [Test]
    public void NowUtcTicks_WallClockStepsBack_StaysAtTheLatestValue()
    {
        var time = new ManualTimeProvider();
        var clock = new MonotonicUtcClock(time);
        long first = clock.NowUtcTicks();

        time.SetUtcNow(ManualTimeProvider.DefaultStart - TimeSpan.FromMinutes(5));

        Assert.That(clock.NowUtcTicks(), Is.EqualTo(first));
    }

    [Test]
    public void NowUtcTicks_WallClockMovesOn_Follows()
    {
        var time = new ManualTimeProvider();
        var clock = new MonotonicUtcClock(time);
        clock.NowUtcTicks();

        time.SetUtcNow(ManualTimeProvider.DefaultStart + TimeSpan.FromSeconds(3));

        Assert.That(clock.NowUtcTicks(), Is.EqualTo((ManualTimeProvider.DefaultStart + TimeSpan.FromSeconds(3)).UtcTicks));
    }
}
