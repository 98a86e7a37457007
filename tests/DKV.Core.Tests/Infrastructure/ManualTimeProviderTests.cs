using DKV.Testing.Infrastructure;

namespace DKV.Core.Tests.Infrastructure;

/// <summary>The manual clock that every TTL and lock test relies on.</summary>
public sealed class ManualTimeProviderTests
{
    [Test]
    public void Advance_MovesWallClockAndTimestampTogether()
    {
        var clock = new ManualTimeProvider();
        long start = clock.GetTimestamp();

        clock.Advance(TimeSpan.FromSeconds(3));

        Assert.That(clock.GetUtcNow(), Is.EqualTo(ManualTimeProvider.DefaultStart + TimeSpan.FromSeconds(3)));
        Assert.That(clock.GetElapsedTime(start), Is.EqualTo(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public void SetUtcNow_Backwards_LeavesTimestampAndTimersAlone()
    {
        var clock = new ManualTimeProvider();
        long start = clock.GetTimestamp();
        int fired = 0;
        using ITimer timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        clock.SetUtcNow(ManualTimeProvider.DefaultStart - TimeSpan.FromDays(1));

        Assert.That(clock.GetUtcNow(), Is.EqualTo(ManualTimeProvider.DefaultStart - TimeSpan.FromDays(1)));
        Assert.That(clock.GetTimestamp(), Is.EqualTo(start));
        Assert.That(fired, Is.Zero);
    }

    [Test]
    public void PeriodicTimer_AdvancedOverSeveralPeriods_FiresOncePerPeriodAtItsDueInstant()
    {
        var clock = new ManualTimeProvider();
        var seen = new List<DateTimeOffset>();
        using ITimer timer = clock.CreateTimer(_ => seen.Add(clock.GetUtcNow()), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        clock.Advance(TimeSpan.FromSeconds(5));

        DateTimeOffset t0 = ManualTimeProvider.DefaultStart;
        Assert.That(seen, Is.EqualTo(new[] { t0.AddSeconds(1), t0.AddSeconds(3), t0.AddSeconds(5) }));
        Assert.That(clock.GetUtcNow(), Is.EqualTo(t0.AddSeconds(5)));
    }

    [Test]
    public void Timer_ChangedOrDisposed_FollowsTheNewSchedule()
    {
        var clock = new ManualTimeProvider();
        int fired = 0;
        ITimer timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        timer.Change(TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.That(fired, Is.Zero);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(fired, Is.EqualTo(1));

        timer.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        timer.Dispose();
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.That(fired, Is.EqualTo(1));
        Assert.That(clock.ArmedTimerCount, Is.Zero);
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task TaskDelay_OnTheProvider_CompletesOnlyWhenAdvancedPastIt()
    {
        var clock = new ManualTimeProvider();
        Task delay = Task.Delay(TimeSpan.FromSeconds(2), clock);
        await clock.WaitForArmedTimersAsync(1, TimeSpan.FromSeconds(5));

        clock.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.That(delay.IsCompleted, Is.False);

        clock.Advance(TimeSpan.FromTicks(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public void WaitForArmedTimers_NoneArmed_TimesOut()
    {
        var clock = new ManualTimeProvider();

        Assert.That(async () => await clock.WaitForArmedTimersAsync(1, TimeSpan.FromMilliseconds(50)), Throws.InstanceOf<TimeoutException>());
    }
}
