using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using DKV.Core.Errors;
using DKV.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace DKV.Core.Transport;

/// <summary>
/// The client side of one connection: handshake, then many requests in flight, each with its own request id, answered in any
/// order and matched by id. Transport-agnostic: it only needs an <see cref="IDuplexConnection"/>. Thread-safe.
/// </summary>
/// <remarks>
/// Failures are <see cref="DkvException"/>s whose code says whether the request left: <see cref="DkvErrorCode.Unavailable"/> (never
/// sent), <see cref="DkvErrorCode.ConnectionLost"/> or <see cref="DkvErrorCode.Timeout"/> (sent, outcome unknown),
/// <see cref="DkvErrorCode.Cancelled"/> (the caller's token), <see cref="DkvErrorCode.TooLarge"/> (never sent).
/// When the connection dies every pending request fails at once with <see cref="DkvErrorCode.ConnectionLost"/>.
/// </remarks>
public sealed class FrameClientConnection : IAsyncDisposable
{
    private readonly IDuplexConnection _connection;
    private readonly ClientTransportOptions _options;
    private readonly ILogger _logger;
    private readonly FrameWriter _writer;
    private readonly ConcurrentDictionary<ulong, PendingRequest> _pending = new();
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private long _nextRequestId;

    /// <param name="connection">An open connection; owned from now on.</param>
    /// <param name="endpoint">The configured endpoint, for errors.</param>
    /// <param name="options">Frame size limit, serializer name and per-request timeout.</param>
    /// <param name="logger">Receives connection-level events.</param>
    public FrameClientConnection(IDuplexConnection connection, string endpoint, ClientTransportOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _connection = connection;
        Endpoint = endpoint;
        _options = options;
        _logger = logger;
        _writer = new FrameWriter(connection.Output);
    }

    /// <summary>The endpoint this connection was dialled to.</summary>
    public string Endpoint { get; }

    /// <summary>True until the connection closes for any reason.</summary>
    public bool IsAlive => !_closed.Task.IsCompleted;

    /// <summary>Completes with the reason once the connection is closed and every pending request has failed.</summary>
    public Task<string> Closed => _closed.Task;

    /// <summary>Requests sent and not yet answered.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>
    /// Sends the hello and waits for the reply, then starts reading responses. A refusal or a reply that is not the protocol throws
    /// <see cref="DkvException"/> with <see cref="DkvErrorCode.ProtocolMismatch"/> naming the server's reason.
    /// </summary>
    public async ValueTask HandshakeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            var hello = new ClientHello(WireProtocol.Version, _options.SerializerName);
            if (!await _writer.WriteRawAsync(output => HandshakeCodec.WriteHello(output, hello), timeout.Token).ConfigureAwait(false))
            {
                throw new DkvException(DkvErrorCode.Unavailable, $"connection to {Endpoint} closed before the handshake could be sent");
            }

            ServerReply reply = await ReadReplyAsync(timeout.Token).ConfigureAwait(false);
            if (!reply.Accepted)
            {
                throw new DkvException(DkvErrorCode.ProtocolMismatch, $"server {Endpoint} refused the connection: {reply.Reason}");
            }

            if (reply.Version != WireProtocol.Version)
            {
                throw new DkvException(DkvErrorCode.ProtocolMismatch, $"server {Endpoint} speaks protocol version {reply.Version}, this client {WireProtocol.Version}; use a client of the same dKV.NET release");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Fail("handshake timed out");
            throw new DkvException(DkvErrorCode.Timeout, $"no handshake reply from {Endpoint} within {_options.RequestTimeout}; is a dKV.NET server listening there?");
        }
        catch (Exception ex)
        {
            Fail("handshake failed: " + ex.Message);
            throw;
        }

        _readLoop = ReadLoopAsync();
    }

    /// <summary>
    /// Sends one request and waits for its answer, at most <see cref="ClientTransportOptions.RequestTimeout"/>.
    /// The returned buffer belongs to the caller, who must dispose it.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<IMemoryOwner<byte>> SendAsync(ulong shardId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length > _options.MaxFrameBytes)
        {
            throw new DkvException(DkvErrorCode.TooLarge, $"request of {payload.Length} bytes for shard {shardId} is over the maximum frame size of {_options.MaxFrameBytes} bytes; send a smaller value or raise MaxFrameBytes on client and server");
        }

        if (!IsAlive)
        {
            throw NotSent(shardId, _closed.Task.Result);
        }

        ulong requestId = (ulong)Interlocked.Increment(ref _nextRequestId);
        var pending = new PendingRequest();
        _pending[requestId] = pending;
        if (!IsAlive && _pending.TryRemove(requestId, out _))
        {
            throw NotSent(shardId, _closed.Task.Result);
        }

        using CancellationTokenSource timeout = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : new CancellationTokenSource();
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            if (!await _writer.WriteAsync(new FrameHeader(shardId, requestId, (uint)payload.Length), payload, pending, timeout.Token).ConfigureAwait(false)
                && _pending.TryRemove(requestId, out _))
            {
                throw NotSent(shardId, "connection closing");
            }

            using (timeout.Token.UnsafeRegister(PendingRequest.CancelCallback, pending))
            {
                return await pending.Task.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_pending.TryRemove(requestId, out _) || pending.Task.IsCanceled)
        {
            // Timed out or cancelled (also when the answer arrived in the same instant and lost the race).
            throw Abandoned(shardId, pending, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The connection's failure won the race with the timeout: report that.
            return await pending.Task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Fail(ex.Message);
            if (_pending.TryRemove(requestId, out _))
            {
                throw pending.Committed
                    ? new DkvException(DkvErrorCode.ConnectionLost, $"connection to {Endpoint} failed while sending to shard {shardId} ({ex.Message}); a write may or may not have been applied", ex)
                    : new DkvException(DkvErrorCode.Unavailable, $"connection to {Endpoint} failed before the request to shard {shardId} was sent ({ex.Message})", ex);
            }

            return await pending.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Closes the connection; pending requests fail with <see cref="DkvErrorCode.ConnectionLost"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        Fail("the client closed the connection");
        await _readLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _writer.CompleteAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask<ServerReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        PipeReader input = _connection.Input;
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            HandshakeReadStatus status = HandshakeCodec.TryReadReply(ref buffer, out ServerReply reply, out string invalid);
            input.AdvanceTo(buffer.Start, buffer.End);
            switch (status)
            {
                case HandshakeReadStatus.Complete:
                    return reply;
                case HandshakeReadStatus.Invalid:
                    throw new DkvException(DkvErrorCode.ProtocolMismatch, $"server {Endpoint} answered the handshake with bytes that are not the dKV.NET protocol ({invalid}); check the endpoint and --transport");
                default:
                    if (result.IsCompleted)
                    {
                        throw new DkvException(DkvErrorCode.ProtocolMismatch, $"server {Endpoint} closed the connection during the handshake without a reply; is it a dKV.NET server of the same release?");
                    }

                    break;
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        await Task.Yield();
        string reason;
        try
        {
            reason = await ReadResponsesAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever broke the reader (a reset, an abort, a bug), the connection is dead: fail everything pending on it.
            reason = ex.Message;
        }

        Fail(reason);
    }

    private async ValueTask<string> ReadResponsesAsync()
    {
        PipeReader input = _connection.Input;
        while (IsAlive)
        {
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            FrameParseStatus status;
            FrameHeader header;
            while ((status = FrameParser.TryParse(buffer, _options.MaxFrameBytes, out header, out ReadOnlySequence<byte> payload, out long frameBytes)) == FrameParseStatus.Complete)
            {
                Deliver(header, payload);
                buffer = buffer.Slice(frameBytes);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (status == FrameParseStatus.TooLarge)
            {
                string reason = $"response frame for request {header.RequestId} declares {header.PayloadLength} bytes, over the maximum of {_options.MaxFrameBytes} (MaxFrameBytes)";
                TransportLog.ClientProtocolError(_logger, Endpoint, reason);
                return reason;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                return buffer.IsEmpty ? "the server closed the connection" : "the server closed the connection in the middle of a frame";
            }
        }

        return _closed.Task.IsCompleted ? _closed.Task.Result : "closed";
    }

    private void Deliver(FrameHeader header, in ReadOnlySequence<byte> payload)
    {
        if (_pending.TryRemove(header.RequestId, out PendingRequest? pending))
        {
            PooledBuffer owned = PooledBuffer.CopyOf(payload);
            if (!pending.TrySetResult(owned))
            {
                owned.Dispose();
            }
        }
        else
        {
            TransportLog.LateResponse(_logger, Endpoint, header.RequestId);
        }
    }

    /// <summary>Marks the connection dead (first reason wins), fails every pending request and closes the connection.</summary>
    private void Fail(string reason)
    {
        if (!_closed.TrySetResult(reason))
        {
            return;
        }

        _connection.Abort();
        foreach (ulong requestId in _pending.Keys)
        {
            if (_pending.TryRemove(requestId, out PendingRequest? pending))
            {
                pending.TrySetException(new DkvException(DkvErrorCode.ConnectionLost, $"connection to {Endpoint} closed before the answer came ({reason}); a write may or may not have been applied"));
            }
        }
    }

    private DkvException Abandoned(ulong shardId, PendingRequest pending, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new DkvException(DkvErrorCode.Cancelled, $"request to shard {shardId} on {Endpoint} was cancelled by the caller");
        }

        return pending.Committed
            ? new DkvException(DkvErrorCode.Timeout, $"no answer from {Endpoint} for shard {shardId} within {_options.RequestTimeout}; a write may or may not have been applied")
            : new DkvException(DkvErrorCode.Unavailable, $"request to shard {shardId} could not be written to {Endpoint} within {_options.RequestTimeout} (connection congested); it was not sent");
    }

    private DkvException NotSent(ulong shardId, string reason) =>
        new(DkvErrorCode.Unavailable, $"connection to {Endpoint} is closed ({reason}); the request to shard {shardId} was not sent");
}
