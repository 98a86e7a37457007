namespace DKV.Testing.Infrastructure;

/// <summary>
/// A <see cref="TimeProvider"/> that moves only when a test says so. Wall-clock time (<see cref="GetUtcNow"/>) and the monotonic
/// timestamp (<see cref="GetTimestamp"/>) both move forward with <see cref="Advance"/>; <see cref="SetUtcNow"/> moves the wall clock
/// alone, in either direction, the way an NTP step would. Timers run on the monotonic timestamp, so
/// <c>Task.Delay(delay, provider)</c> completes when the test advances past it.
/// </summary>
/// <remarks>
/// Thread-safe. Timer callbacks run on the thread that calls <see cref="Advance"/>, one at a time, in due order, with the clock set
/// to each timer's due instant while it runs; an exception from a callback propagates out of <see cref="Advance"/>.
/// </remarks>
public sealed class ManualTimeProvider : TimeProvider
{
    /// <summary>The default start instant: a fixed date, far from any boundary.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _utcNow;
    private long _timestampTicks;
    private TaskCompletionSource _timersChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ManualTimeProvider()
        : this(DefaultStart)
    {
    }

    public ManualTimeProvider(DateTimeOffset startUtc)
    {
        _utcNow = startUtc.ToUniversalTime();
        _timestampTicks = 1;
    }

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>One timestamp unit is one <see cref="TimeSpan"/> tick.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Timers that are armed (will fire on some future <see cref="Advance"/>).</summary>
    public int ArmedTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.IsArmed);
            }
        }
    }

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _utcNow;
        }
    }

    /// <inheritdoc/>
    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _timestampTicks;
        }
    }

    /// <summary>Sets the wall clock (either direction). The monotonic timestamp and the timers are not affected.</summary>
    public void SetUtcNow(DateTimeOffset utcNow)
    {
        lock (_gate)
        {
            _utcNow = utcNow.ToUniversalTime();
        }
    }

    /// <summary>Moves both clocks forward by <paramref name="by"/>, firing every timer that falls due on the way (inclusive).</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        long target;
        lock (_gate)
        {
            target = _timestampTicks + by.Ticks;
        }

        while (TryTakeDue(target, out ManualTimer? timer))
        {
            timer.Fire();
        }
    }

    /// <summary>
    /// Waits (in real time, up to <paramref name="timeout"/>) until at least <paramref name="count"/> timers are armed,
    /// so a test can advance the clock only after the code under test has started waiting on it.
    /// </summary>
    /// <exception cref="TimeoutException">Fewer timers were armed when the timeout ended.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public async Task WaitForArmedTimersAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                int armed = _timers.Count(t => t.IsArmed);
                if (armed >= count)
                {
                    return;
                }

                changed = _timersChanged.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"expected {count} armed timer(s) within {timeout}, found {ArmedTimerCount}");
            }
        }
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    private bool TryTakeDue(long target, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ManualTimer? due)
    {
        lock (_gate)
        {
            due = null;
            foreach (ManualTimer timer in _timers)
            {
                if (timer.IsArmed && timer.DueTimestamp <= target && (due is null || timer.DueTimestamp < due.DueTimestamp))
                {
                    due = timer;
                }
            }

            long moveTo = due?.DueTimestamp ?? target;
            if (moveTo > _timestampTicks)
            {
                _utcNow += TimeSpan.FromTicks(moveTo - _timestampTicks);
                _timestampTicks = moveTo;
            }

            due?.Reschedule();
            return due is not null;
        }
    }

    private void Arm(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            timer.SetSchedule(dueTime == Timeout.InfiniteTimeSpan ? -1 : _timestampTicks + dueTime.Ticks, period);
            changed = _timersChanged;
            _timersChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private long _periodTicks;

        /// <summary>-1 when disarmed. Guarded by the owner's lock.</summary>
        public long DueTimestamp { get; private set; } = -1;

        public bool IsArmed => DueTimestamp >= 0;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
            }

            owner.Arm(this, dueTime, period);
            return true;
        }

        public void SetSchedule(long dueTimestamp, TimeSpan period)
        {
            DueTimestamp = dueTimestamp;
            _periodTicks = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? 0 : period.Ticks;
        }

        /// <summary>Called under the owner's lock just before firing: a periodic timer moves to its next due instant, a one-shot disarms.</summary>
        public void Reschedule() => DueTimestamp = _periodTicks > 0 ? DueTimestamp + _periodTicks : -1;

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
