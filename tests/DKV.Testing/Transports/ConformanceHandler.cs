using System.Buffers;
using DKV.Core.Transport;
using DKV.Testing.Infrastructure;

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

    private readonly List<ulong> _completionOrder = [];
    private volatile Gate? _gate;
    private int _calls;

    /// <summary>Requests received so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Shard ids of held requests in the order they were answered.</summary>
    public IReadOnlyList<ulong> CompletionOrder
    {
        get
        {
            lock (_completionOrder)
            {
                return [.. _completionOrder];
            }
        }
    }

    /// <summary>From now on, hold requests marked <see cref="HoldMarker"/>; with <paramref name="reverseReleaseAt"/> &gt; 0, release them last-first once that many are held.</summary>
    public void Hold(int reverseReleaseAt = 0) => _gate = new Gate(reverseReleaseAt);

    /// <summary>Releases every held request and stops holding.</summary>
    public void Release() => _gate?.Open();

    /// <summary>Completes once at least <paramref name="count"/> requests are held; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public Task WaitForHeldAsync(int count, TimeSpan timeout) =>
        (_gate ?? throw new InvalidOperationException("call Hold before waiting for held requests")).WaitForHeldAsync(count, timeout);

    public async ValueTask HandleAsync(ulong shardId, ReadOnlyMemory<byte> request, IBufferWriter<byte> response, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (!request.IsEmpty && request.Span[0] == HoldMarker)
        {
            if (_gate is { } gate)
            {
                await gate.PassAsync(cancellationToken).ConfigureAwait(false);
            }

            lock (_completionOrder)
            {
                _completionOrder.Add(shardId);
            }
        }

        response.Write(request.Span);
    }
}
