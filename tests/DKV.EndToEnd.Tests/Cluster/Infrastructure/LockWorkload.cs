using System.Text;
using DKV.Core.Errors;
using DKV.Core.Locks;

namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>
/// Clients on different nodes racing for one <c>lockmgr(dstore)</c> lock: acquire (waiting), use the <see cref="FencedResource"/>
/// with the fencing token, leave it, release. A client whose acquire had no answer retries with the same owner id (an acquire by
/// the current holder returns its token); a release without an answer is retried until the store answers, so a client never
/// re-enters with a token it already used.
/// </summary>
internal sealed class LockWorkload : ClientLoopWorkload
{
    /// <summary>The lock's lease: far longer than a holder stays inside, so a correct lock never lets two holders overlap.</summary>
    private static readonly TimeSpan s_leaseTtl = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan s_acquireWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_failureBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_releaseDeadline = TimeSpan.FromSeconds(60);

    private readonly FencedResource _resource;
    private readonly string _lockKey;
    private readonly ProgressCounter _turns = new();
    private long _failures;

    private LockWorkload(FencedResource resource, string lockKey)
    {
        _resource = resource;
        _lockKey = lockKey;
    }

    /// <summary>Acquire or release requests that failed (and were retried).</summary>
    public long FailureCount => Interlocked.Read(ref _failures);

    /// <summary>Connects <paramref name="clientCount"/> clients, client i to node i mod N, and starts them.</summary>
    public static Task<LockWorkload> StartAsync(ClusterHarness cluster, FencedResource resource, int clientCount, string lockKey = "fenced") =>
        StartAsync(new LockWorkload(resource, lockKey), cluster, clientCount, s_requestTimeout);

    /// <summary>Waits until clients completed <paramref name="more"/> further turns (acquire, use the resource, leave).</summary>
    public Task WaitForProgressAsync(int more, TimeSpan deadline) =>
        _turns.WaitForMoreAsync(more, deadline, () => $"lock turns; {_resource.AcceptedCount} accepted by the resource, {FailureCount} failed requests");

    protected override async Task RunClientAsync(int client)
    {
        ILockManager locks = Clients[client].Locks(ClusterOptions.LockShard);
        string holder = $"client-{client}";
        byte[] owner = Encoding.UTF8.GetBytes(holder);
        while (!Stopping)
        {
            LockResult result;
            try
            {
                result = await locks.AcquireLockAsync(_lockKey, s_leaseTtl, s_acquireWait, owner);
            }
            catch (DkvException)
            {
                Interlocked.Increment(ref _failures);
                await Task.Delay(s_failureBackoff, CancellationToken.None);
                continue;
            }

            if (!result.Acquired)
            {
                continue;
            }

            if (_resource.Enter(holder, result.FencingToken))
            {
                await Task.Yield();
                _resource.Exit(holder, result.FencingToken);
                _turns.Increment();
            }

            await ReleaseAsync(locks, owner, holder);
        }
    }

    /// <summary>Releases until the store answers (true or false), so the lock is surely not held by this owner afterwards.</summary>
    private async Task ReleaseAsync(ILockManager locks, byte[] owner, string holder)
    {
        using var deadline = new CancellationTokenSource(s_releaseDeadline);
        while (true)
        {
            try
            {
                await locks.ReleaseLockAsync(_lockKey, owner);
                return;
            }
            catch (DkvException ex)
            {
                Interlocked.Increment(ref _failures);
                if (deadline.IsCancellationRequested)
                {
                    throw new TimeoutException($"{holder} could not release lock '{_lockKey}' within {s_releaseDeadline}: {ex.Message}", ex);
                }

                await Task.Delay(s_failureBackoff, CancellationToken.None);
            }
        }
    }
}
