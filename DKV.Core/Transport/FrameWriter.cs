using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using DKV.Core.Protocol;

namespace DKV.Core.Transport;

/// <summary>
/// Serialises frame writes from many tasks onto one <see cref="PipeWriter"/>. A frame is written whole (header and payload)
/// under the lock, so frames never interleave. Thread-safe.
/// </summary>
internal sealed class FrameWriter
{
    private readonly PipeWriter _output;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private bool _completed;

    public FrameWriter(PipeWriter output)
    {
        _output = output;
    }

    /// <summary>
    /// Writes one frame and flushes. Returns false, having written nothing, when the writer is already completed.
    /// Throws <see cref="OperationCanceledException"/> if cancelled while waiting for the lock (nothing written) or for the flush
    /// (the frame is committed and will be sent); <see cref="PendingRequest.Committed"/> of <paramref name="request"/> tells the two apart.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> WriteAsync(FrameHeader header, ReadOnlyMemory<byte> payload, PendingRequest? request, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_completed)
            {
                return false;
            }

            header.Write(_output.GetSpan(WireProtocol.FrameHeaderBytes));
            _output.Advance(WireProtocol.FrameHeaderBytes);
            if (!payload.IsEmpty)
            {
                _output.Write(payload.Span);
            }

            if (request is not null)
            {
                request.Committed = true;
            }

            FlushResult flush = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            return !flush.IsCompleted;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Writes raw handshake bytes (before any frame) and flushes.</summary>
    public async ValueTask<bool> WriteRawAsync(Action<PipeWriter> write, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_completed)
            {
                return false;
            }

            write(_output);
            FlushResult flush = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            return !flush.IsCompleted;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Completes the pipe once no frame is being written; later writes return false. Idempotent.</summary>
    public async ValueTask CompleteAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_completed)
            {
                _completed = true;
                await _output.CompleteAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _lock.Release();
        }
    }
}
