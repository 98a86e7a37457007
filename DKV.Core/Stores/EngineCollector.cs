using DKV.Core.Errors;
using DKV.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.Core.Stores;

/// <summary>
/// Drives <see cref="IKVDB.Collect"/> from a <see cref="TimeProvider"/> timer so expired values are freed and deleted keys removed.
/// Each pass changes at most <see cref="EngineCollectorOptions.MaxEntriesPerPass"/> entries; a large backlog is worked off over
/// several passes. Collection never changes what a read returns as long as passes and reads judge deadlines on the same clock
/// (pass the store's clock as <c>nowUtcTicks</c>), so passes need no other coordination with the store.
/// </summary>
/// <remarks>
/// Thread-safe. Passes never overlap: a tick that finds a pass still running is skipped. A failing pass is logged and counted
/// (<see cref="FailureCount"/>, <see cref="LastFailure"/>) and the next tick tries again. <see cref="Dispose"/> stops the timer and
/// waits for a running pass, so the engine may be disposed right after it. The collector does not own the engine.
/// </remarks>
public sealed class EngineCollector : IDisposable
{
    private readonly IKVDB _engine;
    private readonly EngineCollectorOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _passGate = new();
    private readonly Func<long> _nowUtcTicks;
    private readonly ITimer _timer;
    private bool _disposed;
    private long _passCount;
    private long _entriesChanged;
    private long _failureCount;
    private Exception? _lastFailure;

    /// <param name="engine">The engine to collect; not owned.</param>
    /// <param name="timeProvider">Drives the timer, and is the clock when <paramref name="nowUtcTicks"/> is null.</param>
    /// <param name="options">Interval and batch limit; defaults when null.</param>
    /// <param name="logger">Receives failures; none when null.</param>
    /// <param name="nowUtcTicks">
    /// The clock deadlines are judged against, in UTC ticks. Pass the store's clock (<see cref="LocalStore.NowUtcTicks"/>) so that
    /// collection never runs ahead of what reads see even when the wall clock steps back.
    /// </param>
    /// <exception cref="DkvException"><see cref="DkvErrorCode.Unsupported"/> when the engine does not support collection.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public EngineCollector(
        IKVDB engine,
        TimeProvider timeProvider,
        EngineCollectorOptions? options = null,
        ILogger<EngineCollector>? logger = null,
        Func<long>? nowUtcTicks = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options ?? new EngineCollectorOptions();
        _options.Validate();
        if (!engine.Features.HasFlag(EngineFeatures.GarbageCollect))
        {
            throw new DkvException(
                DkvErrorCode.Unsupported,
                $"engine '{engine.Name}' does not support {EngineFeatures.GarbageCollect}; it supports {engine.Features}; do not start a collector for it");
        }

        _engine = engine;
        _nowUtcTicks = nowUtcTicks ?? (() => timeProvider.GetUtcNow().UtcTicks);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _timer = timeProvider.CreateTimer(static state => ((EngineCollector)state!).CollectOnce(), this, _options.Interval, _options.Interval);
    }

    /// <summary>Passes that completed without an exception.</summary>
    public long PassCount => Interlocked.Read(ref _passCount);

    /// <summary>Entries changed by all passes so far.</summary>
    public long EntriesChanged => Interlocked.Read(ref _entriesChanged);

    /// <summary>Passes that threw.</summary>
    public long FailureCount => Interlocked.Read(ref _failureCount);

    /// <summary>The exception of the most recent failed pass, or null.</summary>
    public Exception? LastFailure => Volatile.Read(ref _lastFailure);

    /// <summary>
    /// Runs one pass now, as the timer does. Returns the entries changed; 0 when another pass is running, the collector is disposed,
    /// or the pass failed (then it is logged and counted, never thrown).
    /// </summary>
    public int CollectOnce()
    {
        if (!_passGate.TryEnter())
        {
            return 0;
        }

        try
        {
            if (_disposed)
            {
                return 0;
            }

            int changed = _engine.Collect(_nowUtcTicks(), _options.MaxEntriesPerPass);
            Interlocked.Increment(ref _passCount);
            Interlocked.Add(ref _entriesChanged, changed);
            StoreLog.Collected(_logger, _engine.Name, changed);
            return changed;
        }
        catch (Exception ex)
        {
            // A timer callback has no caller to throw to: keep the exception observable instead of losing it.
            long failures = Interlocked.Increment(ref _failureCount);
            Volatile.Write(ref _lastFailure, ex);
            StoreLog.CollectFailed(_logger, _engine.Name, failures, ex);
            return 0;
        }
        finally
        {
            _passGate.Exit();
        }
    }

    /// <summary>Stops the timer and waits for a running pass to finish.</summary>
    public void Dispose()
    {
        lock (_passGate)
        {
            _disposed = true;
        }

        _timer.Dispose();
    }
}
