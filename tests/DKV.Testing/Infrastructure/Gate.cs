namespace DKV.Testing.Infrastructure;

/// <summary>
/// Holds operations (fake shard calls, transport requests) until the test opens it, and lets the test wait until a number of
/// them are held. In reverse mode it releases the held operations from last to first once <c>releaseAt</c> are held, and then
/// lets every later operation through. Thread-safe.
/// </summary>
public sealed class Gate
{
    private readonly List<TaskCompletionSource> _held = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private readonly int _reverseReleaseAt;
    private bool _open;

    /// <param name="reverseReleaseAt">0: hold until <see cref="Open"/>; n: release all in reverse order once n are held.</param>
    public Gate(int reverseReleaseAt = 0)
    {
        _reverseReleaseAt = reverseReleaseAt;
    }

    public int HeldCount
    {
        get
        {
            lock (_held)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Waits until the gate opens (or, in reverse mode, until this operation's turn). Cancellation abandons the wait.</summary>
    public Task PassAsync(CancellationToken cancellationToken)
    {
        // Continuations run synchronously so reverse mode really completes (and answers) in reverse order.
        var mine = new TaskCompletionSource();
        List<TaskCompletionSource>? releaseReversed = null;
        lock (_held)
        {
            if (_open)
            {
                return Task.CompletedTask;
            }

            _held.Add(mine);
            foreach (var waiter in _waiters.Where(w => _held.Count >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }

            if (_reverseReleaseAt > 0 && _held.Count == _reverseReleaseAt)
            {
                releaseReversed = [.. _held];
                releaseReversed.Reverse();
                _held.Clear();
                _open = true;
            }
        }

        if (releaseReversed is not null)
        {
            _ = Task.Run(() => releaseReversed.ForEach(t => t.TrySetResult()), CancellationToken.None);
        }

        return mine.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Releases everything held now and lets every later operation through.</summary>
    public void Open()
    {
        List<TaskCompletionSource> release;
        lock (_held)
        {
            _open = true;
            release = [.. _held];
            _held.Clear();
        }

        release.ForEach(t => t.TrySetResult());
    }

    /// <summary>Waits until at least <paramref name="count"/> operations are held.</summary>
    public Task WaitForHeldAsync(int count, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_held)
        {
            if (_held.Count >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((count, reached));
        }

        return reached.Task.WaitAsync(timeout);
    }
}
