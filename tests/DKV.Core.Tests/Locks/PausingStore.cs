using DKV.Core.Stores;

namespace DKV.Core.Tests.Locks;

/// <summary>
/// Wraps a store so a test can stop the next write just before it reaches the store, do other things (advance the clock, let another
/// client acquire), and then let it continue. Makes check-then-act races deterministic. Reads always pass straight through.
/// </summary>
internal sealed class PausingStore(IStore inner) : IStore
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _paused;
    private TaskCompletionSource? _resume;

    /// <summary>Runs at the start of every write, with the key (for example to record when attempts happen).</summary>
    public Action<string>? WriteObserved { get; init; }

    /// <summary>Arms the pause for the next write. Returns a task that completes when that write is held.</summary>
    public Task PauseNextWrite()
    {
        lock (_gate)
        {
            _paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _paused.Task;
        }
    }

    /// <summary>Lets the held write continue.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            _resume?.TrySetResult();
        }
    }

    public async ValueTask<WriteResult> SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        await HoldIfArmed(cancellationToken);
        return await inner.SetAsync(key, value, cancellationToken);
    }

    public async ValueTask<WriteResult> SetEAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default)
    {
        await HoldIfArmed(cancellationToken);
        return await inner.SetEAsync(key, value, expireIn, deleteIn, cancellationToken);
    }

    public async ValueTask<WriteResult> SetEIfUnsetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default)
    {
        await HoldIfArmed(cancellationToken);
        return await inner.SetEIfUnsetAsync(key, value, expireIn, deleteIn, cancellationToken);
    }

    public async ValueTask<WriteResult> CompareAndSetEAsync(string key, ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> value, TimeSpan expireIn, TimeSpan deleteIn, CancellationToken cancellationToken = default)
    {
        await HoldIfArmed(cancellationToken);
        return await inner.CompareAndSetEAsync(key, expected, value, expireIn, deleteIn, cancellationToken);
    }

    public async ValueTask<WriteResult> ExpireAsync(string key, CancellationToken cancellationToken = default)
    {
        await HoldIfArmed(cancellationToken);
        return await inner.ExpireAsync(key, cancellationToken);
    }

    public async ValueTask<WriteResult> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        await HoldIfArmed(cancellationToken);
        return await inner.DeleteAsync(key, cancellationToken);
    }

    public async ValueTask<WriteResult> CompareAndDeleteAsync(string key, ReadOnlyMemory<byte> expected, CancellationToken cancellationToken = default)
    {
        await HoldIfArmed(cancellationToken);
        return await inner.CompareAndDeleteAsync(key, expected, cancellationToken);
    }

    public ValueTask<GetResult> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public ValueTask<bool> HasAsync(string key, CancellationToken cancellationToken = default) => inner.HasAsync(key, cancellationToken);

    public ValueTask<StoreInfo> GetDBInfoAsync(CancellationToken cancellationToken = default) => inner.GetDBInfoAsync(cancellationToken);

    private async Task HoldIfArmed(CancellationToken cancellationToken)
    {
        WriteObserved?.Invoke(string.Empty);
        TaskCompletionSource? paused;
        TaskCompletionSource? resume;
        lock (_gate)
        {
            (paused, resume) = (_paused, _resume);
            _paused = null;
        }

        if (paused is null || resume is null)
        {
            return;
        }

        paused.SetResult();
        await resume.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
    }
}
