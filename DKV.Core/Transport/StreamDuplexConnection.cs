using System.Buffers;
using System.IO.Pipelines;

namespace DKV.Core.Transport;

/// <summary>
/// An <see cref="IDuplexConnection"/> over any <see cref="Stream"/> (a <see cref="System.Net.Sockets.NetworkStream"/>, a QUIC stream ...).
/// Reads go straight from the stream into a <see cref="PipeReader"/>; writes go into a bounded <see cref="Pipe"/> that one send
/// loop drains into the stream, coalescing small frames written by many tasks into few stream writes.
/// </summary>
/// <remarks>Owns the stream: disposing or aborting the connection disposes it.</remarks>
public sealed class StreamDuplexConnection : IDuplexConnection
{
    private const int CoalesceBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly Pipe _output;
    private readonly Task _sendLoop;
    private readonly TimeSpan _closeTimeout;
    private int _disposed;

    /// <param name="stream">The connected stream; owned from now on.</param>
    /// <param name="remoteEndpoint">The peer, for logs and errors.</param>
    /// <param name="readBufferBytes">Size of the buffers the reader rents per read (clamped to 4 KiB..1 MiB).</param>
    /// <param name="writeBufferBytes">Bytes written but not yet sent before writers' flushes wait (at least 64 KiB).</param>
    /// <param name="closeTimeout">How long <see cref="DisposeAsync"/> waits for written bytes to be sent before closing anyway.</param>
    public StreamDuplexConnection(Stream stream, string remoteEndpoint, int readBufferBytes, int writeBufferBytes, TimeSpan closeTimeout)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(closeTimeout, TimeSpan.Zero);
        _stream = stream;
        RemoteEndpoint = remoteEndpoint;
        _closeTimeout = closeTimeout;
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: Math.Clamp(readBufferBytes, 4096, 1024 * 1024), minimumReadSize: 1024, leaveOpen: true));
        long pause = Math.Max(writeBufferBytes, CoalesceBytes);
        _output = new Pipe(new PipeOptions(pauseWriterThreshold: pause, resumeWriterThreshold: pause / 2, useSynchronizationContext: false));
        _sendLoop = SendLoopAsync();
    }

    public string RemoteEndpoint { get; }

    public PipeReader Input { get; }

    public PipeWriter Output => _output.Writer;

    public void Abort()
    {
        _stream.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        try
        {
            await _sendLoop.WaitAsync(_closeTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The peer stopped reading; closing the stream below ends the send loop.
        }

        await Input.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        await _sendLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task SendLoopAsync()
    {
        await Task.Yield();
        PipeReader reader = _output.Reader;
        byte[]? scratch = null;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    scratch ??= buffer.IsSingleSegment ? null : ArrayPool<byte>.Shared.Rent(CoalesceBytes);
                    await WriteAsync(buffer, scratch).ConfigureAwait(false);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            await reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The stream broke or was closed: writers see a completed flush and the reader side sees the error.
            await reader.CompleteAsync(ex).ConfigureAwait(false);
            Abort();
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>Writes a single segment directly; gathers many small segments into <paramref name="scratch"/> first.</summary>
    private async ValueTask WriteAsync(ReadOnlySequence<byte> buffer, byte[]? scratch)
    {
        if (buffer.IsSingleSegment || scratch is null)
        {
            foreach (ReadOnlyMemory<byte> segment in buffer)
            {
                await _stream.WriteAsync(segment).ConfigureAwait(false);
            }
        }
        else
        {
            while (!buffer.IsEmpty)
            {
                int take = (int)Math.Min(buffer.Length, scratch.Length);
                buffer.Slice(0, take).CopyTo(scratch);
                await _stream.WriteAsync(scratch.AsMemory(0, take)).ConfigureAwait(false);
                buffer = buffer.Slice(take);
            }
        }

        await _stream.FlushAsync().ConfigureAwait(false);
    }
}
