using System.Buffers;
using DKV.Core.Transport;

namespace DKV.Testing.Transports;

/// <summary>
/// The request handler the transport conformance suite serves: it echoes every request payload. A payload starting with
/// <see cref="HoldMarker"/> is held until the test releases it (all at once, or in reverse order once a number are held),
/// so tests control when and in which order answers leave. Thread-safe.
/// </summary>
public sealed class ConformanceHandler : IRequestHandler
{
    /// <summary>First byte of a payload the handler holds before echoing it.</summary>
    public const byte HoldMarker = (byte)'H';

    private readonly List<TaskCompletionSource> _held = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private readonly List<ulong> _completionOrder = [];
    private int _reverseReleaseAt;
    private bool _open = true;
    private int _calls;

    /// <summary>Requests received so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Shard ids of held requests in the order they were answered.</summary>
    public IReadOnlyList<ulong> CompletionOrder
    {
        get
        {
            lock (_held)
            {
                return [.. _completionOrder];
            }
        }
    }

    /// <summary>From now on, hold requests marked <see cref="HoldMarker"/>; with <paramref name="reverseReleaseAt"/> &gt; 0, release them last-first once that many are held.</summary>
    public void Hold(int reverseReleaseAt = 0)
    {
        lock (_held)
        {
            _open = false;
            _reverseReleaseAt = reverseReleaseAt;
        }
    }

    /// <summary>Releases every held request and stops holding.</summary>
    public void Release()
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

    /// <summary>Completes once at least <paramref name="count"/> requests are held; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
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

    public async ValueTask HandleAsync(ulong shardId, ReadOnlyMemory<byte> request, IBufferWriter<byte> response, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (!request.IsEmpty && request.Span[0] == HoldMarker)
        {
            await WaitTurnAsync(cancellationToken).ConfigureAwait(false);
            lock (_held)
            {
                _completionOrder.Add(shardId);
            }
        }

        response.Write(request.Span);
    }

    private Task WaitTurnAsync(CancellationToken cancellationToken)
    {
        var mine = new TaskCompletionSource();
        List<TaskCompletionSource>? reversed = null;
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
                reversed = [.. _held];
                reversed.Reverse();
                _held.Clear();
                _open = true;
            }
        }

        if (reversed is not null)
        {
            // Synchronous continuations: each released request records its completion before the next is released.
            _ = Task.Run(() => reversed.ForEach(t => t.TrySetResult()), CancellationToken.None);
        }

        return mine.Task.WaitAsync(cancellationToken);
    }
}
