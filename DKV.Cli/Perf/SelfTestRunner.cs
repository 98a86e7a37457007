using System.Collections.Concurrent;
using System.Diagnostics;
using DKV.Core.Errors;
using DKV.Core.Locks;
using DKV.Core.Stores;

namespace DKV.Cli.Perf;

/// <summary>
/// <c>dkv kv test</c>'s checks against a live server. Each run (upstream's sequence, every step asserted): a random key; has is
/// false; set; get finds the value; expire; get finds nothing; has is true; delete; has is false. Each run also checks a lock:
/// acquire, a second owner's acquire fails, release, the second owner acquires with a larger fencing token, release. The first
/// run of every worker also checks a TTL deadline: set with <c>--expire-in</c>, get finds it (when still before the deadline),
/// wait past the deadline, get finds nothing, has still does. Thread-safe; failures are collected, never thrown.
/// </summary>
internal sealed class SelfTestRunner
{
    private readonly IStore _store;
    private readonly ILockManager _locks;
    private readonly TimeSpan _expireIn;
    private readonly ConcurrentQueue<string> _failures = new();

    public SelfTestRunner(IStore store, ILockManager locks, TimeSpan expireIn)
    {
        _store = store;
        _locks = locks;
        _expireIn = expireIn;
    }

    /// <summary>Every failed check, as <c>(integration-test) - what: key</c>.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>Runs <paramref name="runs"/> runs on each of <paramref name="threads"/> concurrent workers.</summary>
    public async Task RunAsync(int threads, int runs, CancellationToken cancellationToken)
    {
        var workers = Enumerable.Range(0, threads).Select(_ => Task.Run(async () =>
        {
            for (int run = 0; run < runs && !cancellationToken.IsCancellationRequested; run++)
            {
                await Guarded("run", () => OneRunAsync(cancellationToken)).ConfigureAwait(false);
                await Guarded("lock", () => LockRunAsync(cancellationToken)).ConfigureAwait(false);
                if (run == 0)
                {
                    await Guarded("ttl", () => TtlRunAsync(cancellationToken)).ConfigureAwait(false);
                }
            }
        }, cancellationToken));
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task OneRunAsync(CancellationToken ct)
    {
        byte[] value = RandomBytes(8);
        string key = "__test-" + Convert.ToHexStringLower(value);
        Check(!await _store.HasAsync(key, ct).ConfigureAwait(false), "value should not exist before set", key);
        await _store.SetAsync(key, value, ct).ConfigureAwait(false);
        var got = await _store.GetAsync(key, ct).ConfigureAwait(false);
        Check(got.Found, "value should exist after set", key);
        Check(!got.Found || got.Value.Span.SequenceEqual(value), "value read should equal value written", key);
        await _store.ExpireAsync(key, ct).ConfigureAwait(false);
        Check(!(await _store.GetAsync(key, ct).ConfigureAwait(false)).Found, "value should not exist after expire", key);
        Check(await _store.HasAsync(key, ct).ConfigureAwait(false), "key should still exist after expire", key);
        await _store.DeleteAsync(key, ct).ConfigureAwait(false);
        Check(!await _store.HasAsync(key, ct).ConfigureAwait(false), "key should not exist after delete", key);
    }

    private async Task TtlRunAsync(CancellationToken ct)
    {
        byte[] value = RandomBytes(8);
        string key = "__test-ttl-" + Convert.ToHexStringLower(value);
        var sinceBeforeSet = Stopwatch.StartNew();
        await _store.SetEAsync(key, value, _expireIn, TimeSpan.Zero, ct).ConfigureAwait(false);
        var sinceSet = Stopwatch.StartNew();
        bool found = (await _store.GetAsync(key, ct).ConfigureAwait(false)).Found;
        // Only meaningful if the get surely ran before the deadline (fixed when the write was ordered, after sinceBeforeSet began).
        Check(found || sinceBeforeSet.Elapsed >= _expireIn, "value should exist before its expire-in deadline", key);
        await Task.Delay(_expireIn - sinceSet.Elapsed + TimeSpan.FromMilliseconds(50), ct).ConfigureAwait(false);
        Check(!(await _store.GetAsync(key, ct).ConfigureAwait(false)).Found, $"value should not exist after its expire-in deadline ({_expireIn.TotalMilliseconds} ms)", key);
        Check(await _store.HasAsync(key, ct).ConfigureAwait(false), "key should still exist after its expire-in deadline", key);
        await _store.DeleteAsync(key, ct).ConfigureAwait(false);
    }

    private async Task LockRunAsync(CancellationToken ct)
    {
        byte[] first = RandomBytes(16);
        byte[] second = RandomBytes(16);
        string key = "__test-lock-" + Convert.ToHexStringLower(first.AsSpan(0, 8));
        var ttl = TimeSpan.FromSeconds(30);
        var held = await _locks.AcquireLockAsync(key, ttl, first, ct).ConfigureAwait(false);
        Check(held.Acquired, "lock should be acquired when free", key);
        Check(!(await _locks.AcquireLockAsync(key, ttl, second, ct).ConfigureAwait(false)).Acquired, "second owner should not acquire a held lock", key);
        Check(await _locks.ReleaseLockAsync(key, first, ct).ConfigureAwait(false), "owner should release its lock", key);
        var next = await _locks.AcquireLockAsync(key, ttl, second, ct).ConfigureAwait(false);
        Check(next.Acquired, "second owner should acquire a released lock", key);
        Check(!next.Acquired || next.FencingToken > held.FencingToken, $"fencing token should grow ({held.FencingToken} then {next.FencingToken})", key);
        if (next.Acquired)
        {
            await _locks.ReleaseLockAsync(key, second, ct).ConfigureAwait(false);
        }
    }

    private async Task Guarded(string what, Func<Task> body)
    {
        try
        {
            await body().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DkvException or IOException or TimeoutException)
        {
            _failures.Enqueue($"(integration-test) - {what} failed: {ex.Message}");
        }
    }

    private void Check(bool condition, string what, string key)
    {
        if (!condition)
        {
            _failures.Enqueue($"(integration-test) - {what}: {key}");
        }
    }

    private static byte[] RandomBytes(int count)
    {
        byte[] bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
