using DKV.Core.Errors;
using DKV.Core.Locks;
using static DKV.Core.Tests.Locks.LockHarness;

namespace DKV.Core.Tests.Locks;

/// <summary>The waiting acquire: backoff on the injected clock, success when the lock frees, and giving up exactly at the deadline.</summary>
public sealed class LockManagerWaitTests
{
    private static readonly TimeSpan s_ttl = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(50);

    [Test]
    [CancelAfter(30_000)]
    public async Task WaitingAcquire_HolderReleases_GetsTheLock()
    {
        using var h = new LockHarness();
        LockResult alice = await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));
        Task<LockResult> bob = h.Manager.AcquireLockAsync("lock", s_ttl, TimeSpan.FromSeconds(30), Owner("bob")).AsTask();
        await h.Clock.WaitForArmedTimersAsync(1, TimeSpan.FromSeconds(10));
        Assert.That(bob.IsCompleted, Is.False);

        await h.Manager.ReleaseLockAsync("lock", Owner("alice"));
        long released = h.Clock.GetTimestamp();
        LockResult result = await h.AdvanceUntilDoneAsync(bob, s_step, 1_000);

        Assert.That(result.Acquired, Is.True);
        Assert.That(result.FencingToken, Is.GreaterThan(alice.FencingToken));
        Assert.That(await h.HolderAsync("lock"), Is.EqualTo("bob"));
        Assert.That(h.Clock.GetElapsedTime(released), Is.LessThanOrEqualTo(h.Options.MaxRetryDelay + s_step));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task WaitingAcquire_HoldersLeaseExpires_GetsTheLockSoonAfter()
    {
        using var h = new LockHarness();
        LockResult alice = await h.Manager.AcquireLockAsync("lock", TimeSpan.FromSeconds(2), Owner("alice"));
        long start = h.Clock.GetTimestamp();

        LockResult result = await h.AdvanceUntilDoneAsync(
            h.Manager.AcquireLockAsync("lock", s_ttl, TimeSpan.FromSeconds(30), Owner("bob")).AsTask(), s_step, 10_000);

        Assert.That(result.Acquired, Is.True);
        Assert.That(result.FencingToken, Is.GreaterThan(alice.FencingToken));
        TimeSpan waited = h.Clock.GetElapsedTime(start);
        Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(waited, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(2) + h.Options.MaxRetryDelay + s_step));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task WaitingAcquire_LockNeverFreed_GivesUpExactlyAtItsDeadline()
    {
        using var h = new LockHarness();
        await h.Manager.AcquireLockAsync("lock", TimeSpan.FromHours(1), Owner("alice"));
        long start = h.Clock.GetTimestamp();
        Task<LockResult> bob = h.Manager.AcquireLockAsync("lock", s_ttl, TimeSpan.FromSeconds(3), Owner("bob")).AsTask();

        long notDoneAt = 0;
        for (int i = 0; i < 1_000 && !bob.IsCompleted; i++)
        {
            using var stop = new CancellationTokenSource();
            Task armed = h.Clock.WaitForArmedTimersAsync(1, TimeSpan.FromSeconds(10), stop.Token);
            if (await Task.WhenAny(bob, armed) == bob)
            {
                await stop.CancelAsync();
                await armed.ContinueWith(static _ => { }, TaskScheduler.Default);
                break;
            }

            notDoneAt = h.Clock.GetElapsedTime(start).Ticks;
            h.Clock.Advance(s_step);
        }

        LockResult result = await bob.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(result, Is.EqualTo(LockResult.NotAcquired));
        Assert.That(TimeSpan.FromTicks(notDoneAt), Is.EqualTo(TimeSpan.FromSeconds(3) - s_step), "gave up before its deadline");
        Assert.That(h.Clock.GetElapsedTime(start), Is.EqualTo(TimeSpan.FromSeconds(3)), "waited past its deadline");
        Assert.That(await h.HolderAsync("lock"), Is.EqualTo("alice"));
    }

    [Test]
    public async Task WaitingAcquire_ZeroWait_TriesOnceWithoutTimers()
    {
        using var h = new LockHarness();
        await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));

        ValueTask<LockResult> bob = h.Manager.AcquireLockAsync("lock", s_ttl, TimeSpan.Zero, Owner("bob"));

        Assert.That(bob.IsCompleted, Is.True);
        Assert.That((await bob).Acquired, Is.False);
        Assert.That(h.Clock.ArmedTimerCount, Is.Zero);
    }

    [Test]
    public async Task WaitingAcquire_FreeLock_AcquiredAtOnce()
    {
        using var h = new LockHarness();

        LockResult result = await h.Manager.AcquireLockAsync("lock", s_ttl, TimeSpan.FromSeconds(5), Owner("alice"));

        Assert.That(result.Acquired, Is.True);
        Assert.That(h.Clock.ArmedTimerCount, Is.Zero);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task WaitingAcquire_Cancelled_ThrowsAndDoesNotTakeTheLock()
    {
        using var h = new LockHarness();
        await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));
        using var cts = new CancellationTokenSource();
        Task<LockResult> bob = h.Manager.AcquireLockAsync("lock", s_ttl, TimeSpan.FromSeconds(30), Owner("bob"), cts.Token).AsTask();
        await h.Clock.WaitForArmedTimersAsync(1, TimeSpan.FromSeconds(10));

        await cts.CancelAsync();

        Assert.That(async () => await bob.WaitAsync(TimeSpan.FromSeconds(10)), Throws.InstanceOf<OperationCanceledException>());
        await h.Manager.ReleaseLockAsync("lock", Owner("alice"));
        Assert.That(await h.Store.HasAsync("lock"), Is.False);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task WaitingAcquire_BackoffGrowsButNeverBeyondTheMaximum()
    {
        var options = new LockManagerOptions { InitialRetryDelay = TimeSpan.FromMilliseconds(10), MaxRetryDelay = TimeSpan.FromMilliseconds(80) };
        using var h = new LockHarness(options);
        var attempts = new List<long>();
        var recording = new PausingStore(h.Store) { WriteObserved = _ => attempts.Add(h.Clock.GetTimestamp()) };
        await h.Manager.AcquireLockAsync("lock", TimeSpan.FromHours(1), Owner("alice"));
        long start = h.Clock.GetTimestamp();

        LockResult result = await h.AdvanceUntilDoneAsync(
            h.NewManager(recording).AcquireLockAsync("lock", s_ttl, TimeSpan.FromSeconds(2), Owner("bob")).AsTask(), TimeSpan.FromMilliseconds(1), 5_000);

        var gaps = attempts.Zip(attempts.Skip(1), (a, b) => TimeSpan.FromTicks(b - a)).ToList();
        Assert.That(result.Acquired, Is.False);
        Assert.That(attempts[0], Is.EqualTo(start));
        Assert.That(TimeSpan.FromTicks(attempts[^1] - start), Is.EqualTo(TimeSpan.FromSeconds(2)), "the last attempt is at the deadline");
        Assert.That(gaps[0], Is.LessThanOrEqualTo(TimeSpan.FromMilliseconds(11)));
        Assert.That(gaps.Max(), Is.LessThanOrEqualTo(TimeSpan.FromMilliseconds(81)));
        Assert.That(gaps.Skip(5).SkipLast(1).Min(), Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(40)), "backoff did not grow to the maximum");
    }

    [TestCase(-1)]
    [TestCase(3601)]
    public async Task WaitingAcquire_WaitOutOfRange_InvalidArgument(int waitSeconds)
    {
        using var h = new LockHarness();

        var ex = await Assert.ThrowsAsync<DkvException>(async () => await h.Manager.AcquireLockAsync("lock", s_ttl, TimeSpan.FromSeconds(waitSeconds), Owner("a")));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain("MaxWait"));
    }
}
