using System.Buffers;
using System.IO.Pipelines;
using DKV.Core.Protocol;
using DKV.Core.Transport;

namespace DKV.Transports.ZeroMQ;

/// <summary>
/// Presents one ZeroMQ session as the byte-stream <see cref="IDuplexConnection"/> the shared framing core runs on, so the zmq
/// transport reuses the core's handshake, multiplexing, timeouts, in-flight limits and drain. Outgoing bytes are cut back into
/// messages (the handshake message first, then one message per frame); each incoming message is appended to the input.
/// </summary>
/// <remarks>
/// Threads: the input pipe is written only by the I/O thread (<see cref="DeliverFromIo"/>, <see cref="CompleteFromIo"/>); the
/// output pipe is read by one send loop. At most <c>maxQueuedMessages</c> messages wait for the I/O thread per session; beyond that
/// the send loop waits, the output pipe fills and writers' flushes wait (back-pressure instead of unbounded queues).
/// </remarks>
internal sealed class ZmqSessionConnection : IDuplexConnection
{
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly SemaphoreSlim _sendSlots;
    private readonly CancellationTokenSource _closing = new();
    private readonly bool _serverSide;
    private readonly int _maxFrameBytes;
    private readonly TimeSpan _closeTimeout;
    private IZmqSessionLink? _link;
    private Task _sendLoop = Task.CompletedTask;
    private bool _inputHandshakeSeen;
    private bool _inputCompleted;
    private int _disposed;

    public ZmqSessionConnection(string remoteEndpoint, bool serverSide, int maxFrameBytes, int maxQueuedMessages, int pauseInputBytes, TimeSpan closeTimeout)
    {
        RemoteEndpoint = remoteEndpoint;
        _serverSide = serverSide;
        _maxFrameBytes = maxFrameBytes;
        _closeTimeout = closeTimeout;
        _sendSlots = new SemaphoreSlim(maxQueuedMessages, maxQueuedMessages);
        long pause = Math.Max(pauseInputBytes, 64 * 1024);
        _input = new Pipe(new PipeOptions(pauseWriterThreshold: pause, resumeWriterThreshold: pause / 2, useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(pauseWriterThreshold: pause, resumeWriterThreshold: pause / 2, useSynchronizationContext: false));
    }

    public string RemoteEndpoint { get; }

    public PipeReader Input => _input.Reader;

    public PipeWriter Output => _output.Writer;

    /// <summary>Attaches the socket side and starts sending. Called once, before the connection is handed out.</summary>
    public void Start(IZmqSessionLink link)
    {
        _link = link;
        _sendLoop = SendLoopAsync();
    }

    /// <summary>
    /// Appends one received message (I/O thread only; takes ownership of <paramref name="rented"/>). Returns a task that is not yet
    /// complete when the reader is behind: the caller must not deliver again until it completes. A message that is not exactly one
    /// frame (after the handshake) ends the session and returns a reason.
    /// </summary>
    public ValueTask<FlushResult> DeliverFromIo(byte[] rented, int length, out string? malformed)
    {
        malformed = null;
        try
        {
            if (_inputCompleted)
            {
                return ValueTask.FromResult(new FlushResult(isCanceled: false, isCompleted: true));
            }

            if (_inputHandshakeSeen)
            {
                malformed = CheckFrame(rented.AsSpan(0, length));
                if (malformed is not null)
                {
                    CompleteFromIo(new IOException(malformed));
                    return ValueTask.FromResult(new FlushResult(isCanceled: false, isCompleted: true));
                }
            }

            _inputHandshakeSeen = true;
            _input.Writer.Write(rented.AsSpan(0, length));
        }
        finally
        {
            if (rented.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return _input.Writer.FlushAsync();
    }

    /// <summary>Ends the input (I/O thread only): null for an orderly end, else the failure readers will see.</summary>
    public void CompleteFromIo(Exception? error)
    {
        if (_inputCompleted)
        {
            return;
        }

        _inputCompleted = true;
        _closing.Cancel();
        _input.Writer.Complete(error);
    }

    /// <summary>Called by the I/O thread after a queued message has left (or was dropped).</summary>
    public void OnMessageSent() => _sendSlots.Release();

    public void Abort()
    {
        _link?.Close("the connection was aborted");
        _input.Reader.CancelPendingRead();
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
            // The peer stopped taking messages; closing the session below ends the send loop.
        }

        _link?.Close("the connection was closed");
        await _sendLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _input.Reader.CompleteAsync().ConfigureAwait(false);
    }

    private string? CheckFrame(ReadOnlySpan<byte> message)
    {
        if (message.Length < WireProtocol.FrameHeaderBytes)
        {
            return $"a message of {message.Length} bytes is shorter than a frame header ({WireProtocol.FrameHeaderBytes} bytes)";
        }

        FrameHeader header = FrameHeader.Read(message);
        if (header.PayloadLength > (uint)_maxFrameBytes)
        {
            return $"frame for request {header.RequestId} declares {header.PayloadLength} bytes, over the maximum of {_maxFrameBytes} (MaxFrameBytes)";
        }

        if (WireProtocol.FrameHeaderBytes + (long)header.PayloadLength != message.Length)
        {
            return $"a message of {message.Length} bytes does not hold exactly one frame (header declares {header.PayloadLength} payload bytes)";
        }

        return null;
    }

    private async Task SendLoopAsync()
    {
        await Task.Yield();
        PipeReader reader = _output.Reader;
        bool handshakeSent = false;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(_closing.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                try
                {
                    while (TryCut(ref buffer, ref handshakeSent, out ReadOnlySequence<byte> message))
                    {
                        await _sendSlots.WaitAsync(_closing.Token).ConfigureAwait(false);
                        int length = (int)message.Length;
                        byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
                        message.CopyTo(rented);
                        if (_link is null || !_link.Send(rented, length))
                        {
                            ArrayPool<byte>.Shared.Return(rented);
                            return;
                        }
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // The session ended; what was not sent is dropped, and pending requests fail through the input.
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Cuts the next whole message (the handshake message first, then frames) off the front of <paramref name="buffer"/>.</summary>
    private bool TryCut(ref ReadOnlySequence<byte> buffer, ref bool handshakeSent, out ReadOnlySequence<byte> message)
    {
        message = default;
        if (!handshakeSent)
        {
            ReadOnlySequence<byte> rest = buffer;
            HandshakeReadStatus status = _serverSide
                ? HandshakeCodec.TryReadReply(ref rest, out _, out string invalid)
                : HandshakeCodec.TryReadHello(ref rest, out _, out invalid);
            if (status == HandshakeReadStatus.Invalid)
            {
                throw new InvalidOperationException($"the framing core wrote an invalid handshake message: {invalid}");
            }

            if (status == HandshakeReadStatus.NeedMoreData)
            {
                return false;
            }

            message = buffer.Slice(0, buffer.Length - rest.Length);
            buffer = rest;
            handshakeSent = true;
            return true;
        }

        if (FrameParser.TryParse(buffer, int.MaxValue, out _, out _, out long frameBytes) != FrameParseStatus.Complete)
        {
            return false;
        }

        message = buffer.Slice(0, frameBytes);
        buffer = buffer.Slice(frameBytes);
        return true;
    }
}
