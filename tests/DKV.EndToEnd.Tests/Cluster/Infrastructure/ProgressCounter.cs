namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>A count that load clients raise and a test waits on ("N more successes"), woken by each increment rather than polled.</summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class ProgressCounter
{
    private readonly Lock _gate = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Increment()
    {
        long count = Interlocked.Increment(ref _count);
        lock (_gate)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= count)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Waits until the count grew by <paramref name="more"/>; throws a <see cref="TimeoutException"/> with <paramref name="describe"/>'s text at the deadline.</summary>
    public async Task WaitForMoreAsync(int more, TimeSpan deadline, Func<string> describe)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(more);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long target;
        lock (_gate)
        {
            target = Count + more;
            if (Count >= target)
            {
                return;
            }

            _waiters.Add((target, done));
        }

        try
        {
            await done.Task.WaitAsync(deadline);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Done == done);
            }

            throw new TimeoutException($"no progress: {Count} of {target} after {deadline}; {describe()}");
        }
    }
}
