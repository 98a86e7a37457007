using System.Buffers;
using System.IO.Pipelines;
using DKV.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace DKV.Core.Transport;

/// <summary>
/// The server side of one connection: handshake, then frames read in a loop and handed to an <see cref="IRequestHandler"/>,
/// at most <see cref="ServerTransportOptions.MaxInflightPerConnection"/> at a time (reading pauses while that many are in flight).
/// Responses are written as they complete, in any order. Transport-agnostic: it only needs an <see cref="IDuplexConnection"/>.
/// </summary>
/// <remarks>
/// Buffer ownership: a request payload is copied into an array rented from the shared pool, lent to the handler until its task
/// completes, then returned. Each response is written by the handler into a pooled writer, copied into the output pipe under the
/// write lock, and the writer is reused. <see cref="BeginDrain"/> and <see cref="Abort"/> are thread-safe.
/// </remarks>
public sealed class FrameServerConnection
{
    private readonly IDuplexConnection _connection;
    private readonly IRequestHandler _handler;
    private readonly ServerTransportOptions _options;
    private readonly ILogger _logger;
    private readonly FrameWriter _writer;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _abort = new();
    private readonly Stack<PooledBufferWriter> _responseWriters = new();
    private volatile bool _draining;

    public FrameServerConnection(IDuplexConnection connection, IRequestHandler handler, ServerTransportOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _connection = connection;
        _handler = handler;
        _options = options;
        _logger = logger;
        _writer = new FrameWriter(connection.Output);
        _slots = new SemaphoreSlim(options.MaxInflightPerConnection, options.MaxInflightPerConnection);
    }

    /// <summary>The peer, for logs.</summary>
    public string RemoteEndpoint => _connection.RemoteEndpoint;

    /// <summary>
    /// Runs the connection to its end: handshake, frames, then waiting for requests in flight; finally disposes the connection.
    /// Never throws: every way a connection ends is logged with its reason.
    /// </summary>
    public async Task RunAsync()
    {
        string closeReason = "closed by the server";
        try
        {
            if (await HandshakeAsync().ConfigureAwait(false))
            {
                closeReason = await ReadFramesAsync().ConfigureAwait(false);
            }

            await WaitForInflightAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            closeReason = "aborted";
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // I/O errors end up here (a reset peer, an aborted socket); whatever it is, it ends only this connection.
            closeReason = ex.Message;
            TransportLog.ConnectionFailed(_logger, RemoteEndpoint, $"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            await CloseAsync().ConfigureAwait(false);
        }

        TransportLog.ConnectionClosed(_logger, RemoteEndpoint, closeReason);
    }

    /// <summary>Stops reading new frames; requests in flight complete and their responses are sent, then the connection closes.</summary>
    public void BeginDrain()
    {
        _draining = true;
        _connection.Input.CancelPendingRead();
    }

    /// <summary>Closes the connection at once; requests in flight are abandoned.</summary>
    public void Abort()
    {
        _abort.Cancel();
        _connection.Abort();
    }

    private async ValueTask<bool> HandshakeAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        timeout.CancelAfter(_options.HandshakeTimeout);
        PipeReader input = _connection.Input;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                HandshakeReadStatus status = HandshakeCodec.TryReadHello(ref buffer, out ClientHello hello, out string invalid);
                input.AdvanceTo(buffer.Start, buffer.End);
                if (status == HandshakeReadStatus.Complete)
                {
                    return await AnswerHelloAsync(hello, timeout.Token).ConfigureAwait(false);
                }

                if (status == HandshakeReadStatus.Invalid)
                {
                    return await RejectAsync(invalid, timeout.Token).ConfigureAwait(false);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    TransportLog.ConnectionClosed(_logger, RemoteEndpoint, $"closed before completing the handshake ({buffer.Length} bytes received)");
                    return false;
                }
            }
        }
        catch (OperationCanceledException) when (!_abort.IsCancellationRequested)
        {
            TransportLog.HandshakeTimedOut(_logger, RemoteEndpoint, _options.HandshakeTimeout);
            return false;
        }
    }

    private ValueTask<bool> AnswerHelloAsync(ClientHello hello, CancellationToken cancellationToken)
    {
        if (hello.Version != WireProtocol.Version)
        {
            return RejectAsync($"protocol version {hello.Version} is not supported; this server speaks version {WireProtocol.Version}. Use a client of the same dKV.NET release", cancellationToken);
        }

        if (!string.Equals(hello.SerializerName, _options.SerializerName, StringComparison.Ordinal))
        {
            return RejectAsync($"serializer '{hello.SerializerName}' does not match this server's '{_options.SerializerName}'; start the client with --serializer {_options.SerializerName}", cancellationToken);
        }

        return _writer.WriteRawAsync(static output => HandshakeCodec.WriteReply(output, ServerReply.Accept), cancellationToken);
    }

    private async ValueTask<bool> RejectAsync(string reason, CancellationToken cancellationToken)
    {
        TransportLog.HandshakeRejected(_logger, RemoteEndpoint, reason);
        await _writer.WriteRawAsync(output => HandshakeCodec.WriteReply(output, ServerReply.Reject(reason)), cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>Reads frames until the peer closes, a frame is malformed, or a drain starts. Returns why reading ended.</summary>
    private async ValueTask<string> ReadFramesAsync()
    {
        PipeReader input = _connection.Input;
        while (!_draining)
        {
            ReadResult result = await input.ReadAsync(_abort.Token).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            FrameParseStatus status = FrameParseStatus.NeedMoreData;
            FrameHeader header = default;
            try
            {
                while (!_draining)
                {
                    status = FrameParser.TryParse(buffer, _options.MaxFrameBytes, out header, out ReadOnlySequence<byte> payload, out long frameBytes);
                    if (status != FrameParseStatus.Complete)
                    {
                        break;
                    }

                    await _slots.WaitAsync(_abort.Token).ConfigureAwait(false);
                    byte[] rented = header.PayloadLength == 0 ? [] : ArrayPool<byte>.Shared.Rent((int)header.PayloadLength);
                    payload.CopyTo(rented);
                    buffer = buffer.Slice(frameBytes);
                    _ = ProcessAsync(header, rented);
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (status == FrameParseStatus.TooLarge)
            {
                TransportLog.FrameTooLarge(_logger, RemoteEndpoint, header.ShardId, header.RequestId, header.PayloadLength, _options.MaxFrameBytes);
                return "frame over the maximum size";
            }

            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    TransportLog.TruncatedFrame(_logger, RemoteEndpoint, buffer.Length);
                    return "truncated frame";
                }

                return "closed by the client";
            }
        }

        return "server draining";
    }

    /// <summary>Runs one request to its response. Never throws: a failure is logged and closes the connection.</summary>
    private async Task ProcessAsync(FrameHeader header, byte[] payload)
    {
        PooledBufferWriter response = RentResponseWriter();
        try
        {
            try
            {
                await _handler.HandleAsync(header.ShardId, payload.AsMemory(0, (int)header.PayloadLength), response, _abort.Token).ConfigureAwait(false);
            }
            finally
            {
                if (payload.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(payload);
                }
            }

            if (response.WrittenCount > _options.MaxFrameBytes)
            {
                TransportLog.ResponseTooLarge(_logger, RemoteEndpoint, header.ShardId, header.RequestId, response.WrittenCount, _options.MaxFrameBytes);
                Abort();
                return;
            }

            var answer = new FrameHeader(header.ShardId, header.RequestId, (uint)response.WrittenCount);
            await _writer.WriteAsync(answer, response.WrittenMemory, request: null, _abort.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Aborted: the connection is going away and nobody waits for this answer.
        }
        catch (Exception ex)
        {
            TransportLog.HandlerFailed(_logger, RemoteEndpoint, header.ShardId, header.RequestId, ex);
            Abort();
        }
        finally
        {
            ReturnResponseWriter(response);
            _slots.Release();
        }
    }

    private async ValueTask WaitForInflightAsync()
    {
        for (int i = 0; i < _options.MaxInflightPerConnection; i++)
        {
            await _slots.WaitAsync(_abort.Token).ConfigureAwait(false);
        }
    }

    private async ValueTask CloseAsync()
    {
        if (_abort.IsCancellationRequested)
        {
            _connection.Abort();
        }

        await _writer.CompleteAsync().ConfigureAwait(false);
        await _connection.Input.CompleteAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        lock (_responseWriters)
        {
            while (_responseWriters.TryPop(out PooledBufferWriter? writer))
            {
                writer.Dispose();
            }
        }
    }

    private PooledBufferWriter RentResponseWriter()
    {
        lock (_responseWriters)
        {
            if (_responseWriters.TryPop(out PooledBufferWriter? writer))
            {
                return writer;
            }
        }

        return new PooledBufferWriter();
    }

    private void ReturnResponseWriter(PooledBufferWriter writer)
    {
        writer.Reset();
        lock (_responseWriters)
        {
            _responseWriters.Push(writer);
        }
    }
}
