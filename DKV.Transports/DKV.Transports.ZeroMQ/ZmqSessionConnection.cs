using System.Buffers;
using System.IO.Pipelines;
using DKV.Core.Protocol;
using DKV.Core.Transport;

namespace DKV.Transports.ZeroMQ;

/// <summary>
/// Presents one ZeroMQ session as the byte-stream <see cref="IDuplexConnection"/> the shared framing core runs on, so the zmq
/// transport reuses the core's handshake, multiplexing, timeouts, in-flight limits and drain. Outgoing bytes are cut back into
/// messages by <see cref="ZmqMessageWriter"/> (the handshake message first, then one message per frame); each incoming message
/// is appended to the input.
/// </summary>
/// <remarks>
/// Threads: the input pipe is written only by the I/O thread (<see cref="DeliverFromIo"/>, <see cref="CompleteFromIo"/>); the
/// output is written under the framing core's frame-writer lock. At most <c>maxQueuedMessages</c> messages wait for the I/O
/// thread per session; beyond that writers' flushes wait (back-pressure instead of unbounded queues).
/// </remarks>
internal sealed class ZmqSessionConnection : IDuplexConnection
{
    private readonly Pipe _input;
    private readonly ZmqMessageWriter _output;
    private readonly SemaphoreSlim _sendSlots;
    private readonly CancellationTokenSource _closing = new();
    private readonly int _maxFrameBytes;
    private IZmqSessionLink? _link;
    private bool _inputHandshakeSeen;
    private bool _inputCompleted;
    private int _disposed;

    public ZmqSessionConnection(string remoteEndpoint, bool serverSide, int maxFrameBytes, int maxQueuedMessages, int pauseInputBytes)
    {
        RemoteEndpoint = remoteEndpoint;
        _maxFrameBytes = maxFrameBytes;
        _sendSlots = new SemaphoreSlim(maxQueuedMessages, maxQueuedMessages);
        long pause = Math.Max(pauseInputBytes, 64 * 1024);
        _input = new Pipe(new PipeOptions(pauseWriterThreshold: pause, resumeWriterThreshold: pause / 2, useSynchronizationContext: false));
        _output = new ZmqMessageWriter(serverSide, _sendSlots, _closing.Token);
    }

    public string RemoteEndpoint { get; }

    public PipeReader Input => _input.Reader;

    public PipeWriter Output => _output;

    /// <summary>Attaches the socket side. Called once, before the connection is handed out.</summary>
    public void Start(IZmqSessionLink link)
    {
        _link = link;
        _output.Attach(link);
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

        // Every flushed message is already queued for the I/O thread; the CLOSE queued next goes out after them.
        await _output.CompleteAsync().ConfigureAwait(false);
        _link?.Close("the connection was closed");
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
}
