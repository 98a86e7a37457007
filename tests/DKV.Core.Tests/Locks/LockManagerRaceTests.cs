using System.Collections.Concurrent;
using DKV.Core.Locks;
using DKV.Core.Tests.Stores;
using static DKV.Core.Tests.Locks.LockHarness;

namespace DKV.Core.Tests.Locks;

/// <summary>Lock safety under concurrency: one winner, mutual exclusion, fencing-token monotonicity, and the check-then-act races.</summary>
public sealed class LockManagerRaceTests
{
    private static readonly TimeSpan s_ttl = TimeSpan.FromSeconds(10);

    [Test]
    [CancelAfter(30_000)]
    public async Task Acquire_ManyTasksRaceForOneLock_ExactlyOneWins()
    {
        using var h = new LockHarness();
        for (int round = 0; round < 30; round++)
        {
            string key = $"lock-{round}";
            var winners = new ConcurrentBag<(string Owner, ulong Token)>();

            await LocalStoreConcurrencyTests.RunTogether(16, async t =>
            {
                LockResult result = await h.Manager.AcquireLockAsync(key, s_ttl, Owner($"owner-{t}"));
                if (result.Acquired)
                {
                    winners.Add((StoreHarness.Text(result.OwnerId), result.FencingToken));
                }
            });

            Assert.That(winners, Has.Count.EqualTo(1), $"round {round}");
            Assert.That(await h.HolderAsync(key), Is.EqualTo(winners.Single().Owner));
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task AcquireRelease_ContendedLoop_HoldersNeverOverlapAndTokensIncrease()
    {
        using var h = new LockHarness();
        const int rounds = 150;
        int inside = 0;
        int acquisitions = 0;
        ulong lastToken = 0;
        var violations = new ConcurrentQueue<string>();

        await LocalStoreConcurrencyTests.RunTogether(6, async t =>
        {
            byte[] owner = Owner($"worker-{t}");
            for (int done = 0, attempts = 0; done < rounds / 6 && attempts < 1_000_000; attempts++)
            {
                LockResult result = await h.Manager.AcquireLockAsync("lock", s_ttl, owner);
                if (!result.Acquired)
                {
                    continue;
                }

                // The protected resource: exactly one holder at a time, and it only ever sees larger tokens.
                if (Interlocked.Increment(ref inside) != 1)
                {
                    violations.Enqueue($"two holders at once (worker {t})");
                }

                if (result.FencingToken <= lastToken)
                {
                    violations.Enqueue($"token {result.FencingToken} after {lastToken}");
                }

                lastToken = result.FencingToken;
                Interlocked.Decrement(ref inside);
                Assert.That(await h.Manager.ReleaseLockAsync("lock", owner), Is.True);
                Interlocked.Increment(ref acquisitions);
                done++;
            }
        });

        Assert.That(violations, Is.Empty);
        Assert.That(acquisitions, Is.EqualTo(rounds));
    }

    [Test]
    public async Task FencingTokens_ManyRoundsOfAcquireReleaseAndExpiry_StrictlyIncrease()
    {
        using var h = new LockHarness();
        var random = new Random(Seed);
        ulong last = 0;

        for (int round = 0; round < 300; round++)
        {
            byte[] owner = Owner($"owner-{round % 3}");
            LockResult result = await h.Manager.AcquireLockAsync("lock", s_ttl, owner);
            Assert.That(result.Acquired, Is.True, $"round {round}");
            Assert.That(result.FencingToken, Is.GreaterThan(last), $"round {round} (seed {Seed})");
            last = result.FencingToken;

            switch (random.Next(3))
            {
                case 0:
                    Assert.That(await h.Manager.ReleaseLockAsync("lock", owner), Is.True);
                    break;
                case 1:
                    LockResult refreshed = await h.Manager.RefreshLockAsync("lock", owner, s_ttl);
                    Assert.That(refreshed.FencingToken, Is.GreaterThan(last));
                    last = refreshed.FencingToken;
                    h.Clock.Advance(s_ttl);
                    break;
                default:
                    await h.Store.SetAsync("noise", owner);
                    h.Clock.Advance(s_ttl);
                    break;
            }
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Release_LeaseExpiresAndAnotherAcquiresMidRelease_NewHolderKeepsTheLock()
    {
        using var h = new LockHarness();
        var pausing = new PausingStore(h.Store);
        LockManager alice = h.NewManager(pausing);
        LockResult aliceLock = await alice.AcquireLockAsync("lock", s_ttl, Owner("alice"));

        // Alice's release stops just before its final write reaches the store ...
        Task held = pausing.PauseNextWrite();
        Task<bool> release = alice.ReleaseLockAsync("lock", Owner("alice")).AsTask();
        await held.WaitAsync(TimeSpan.FromSeconds(10));

        // ... meanwhile her lease runs out and Bob takes the lock.
        h.Clock.Advance(s_ttl);
        LockResult bob = await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("bob"));
        Assert.That(bob.Acquired, Is.True);
        Assert.That(bob.FencingToken, Is.GreaterThan(aliceLock.FencingToken));

        pausing.Resume();
        bool released = await release.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(released, Is.False, "Alice released a lock she no longer held");
        Assert.That(await h.HolderAsync("lock"), Is.EqualTo("bob"), "Alice's late release removed Bob's lock");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Refresh_LeaseExpiresAndAnotherAcquiresMidRefresh_NewHolderKeepsTheLock()
    {
        using var h = new LockHarness();
        var pausing = new PausingStore(h.Store);
        LockManager alice = h.NewManager(pausing);
        await alice.AcquireLockAsync("lock", s_ttl, Owner("alice"));

        Task held = pausing.PauseNextWrite();
        Task<LockResult> refresh = alice.RefreshLockAsync("lock", Owner("alice"), s_ttl).AsTask();
        await held.WaitAsync(TimeSpan.FromSeconds(10));

        h.Clock.Advance(s_ttl);
        Assert.That((await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("bob"))).Acquired, Is.True);

        pausing.Resume();
        LockResult refreshed = await refresh.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(refreshed.Acquired, Is.False, "Alice refreshed a lock she no longer held");
        Assert.That(await h.HolderAsync("lock"), Is.EqualTo("bob"));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Acquire_LeaseExpiresMidAcquire_OnlyOneOfTwoClaimantsHoldsIt()
    {
        using var h = new LockHarness();
        var pausing = new PausingStore(h.Store);
        LockManager carol = h.NewManager(pausing);
        await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("alice"));
        h.Clock.Advance(s_ttl);

        Task held = pausing.PauseNextWrite();
        Task<LockResult> carolAcquire = carol.AcquireLockAsync("lock", s_ttl, Owner("carol")).AsTask();
        await held.WaitAsync(TimeSpan.FromSeconds(10));
        LockResult bob = await h.Manager.AcquireLockAsync("lock", s_ttl, Owner("bob"));

        pausing.Resume();
        LockResult carolResult = await carolAcquire.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(bob.Acquired, Is.True);
        Assert.That(carolResult.Acquired, Is.False);
        Assert.That(await h.HolderAsync("lock"), Is.EqualTo("bob"));
    }
}
