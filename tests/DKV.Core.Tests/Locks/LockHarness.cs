using DKV.Core.Locks;
using DKV.Core.Stores;
using DKV.Core.Tests.Stores;
using DKV.Testing.Infrastructure;

namespace DKV.Core.Tests.Locks;

/// <summary>A lock manager over lstore over the model engine, on a manual clock, with a seeded jitter source.</summary>
internal sealed class LockHarness : IDisposable
{
    public const int Seed = 20261121;

    private readonly StoreHarness _store;

    public LockHarness(LockManagerOptions? options = null)
    {
        _store = new StoreHarness();
        Options = options ?? new LockManagerOptions();
        Manager = NewManager(_store.Store);
    }

    public ManualTimeProvider Clock => _store.Clock;

    public LocalStore Store => _store.Store;

    public LockManagerOptions Options { get; }

    public LockManager Manager { get; }

    public static byte[] Owner(string name) => StoreHarness.Bytes(name);

    /// <summary>Another manager (another client) on the same clock, over <paramref name="store"/>.</summary>
    public LockManager NewManager(IStore store) => new(store, Clock, Options, new Random(Seed));

    public async Task<string?> HolderAsync(string key)
    {
        GetResult read = await Store.GetAsync(key);
        return read.Found ? StoreHarness.Text(read.Value) : null;
    }

    /// <summary>
    /// Advances the clock in <paramref name="step"/>s until <paramref name="task"/> completes, each time first waiting (bounded, in real
    /// time) until the task is either done or parked on a timer, so no advance happens before the code under test waits on the clock.
    /// </summary>
    public async Task<T> AdvanceUntilDoneAsync<T>(Task<T> task, TimeSpan step, int maxSteps)
    {
        for (int i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            using var stop = new CancellationTokenSource();
            Task armed = Clock.WaitForArmedTimersAsync(1, TimeSpan.FromSeconds(10), stop.Token);
            await Task.WhenAny(task, armed);
            if (task.IsCompleted)
            {
                await stop.CancelAsync();
                await armed.ContinueWith(static _ => { }, TaskScheduler.Default);
                break;
            }

            await armed;
            Clock.Advance(step);
        }

        return await task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Dispose() => _store.Dispose();
}
