using System.Buffers;
using System.IO.Pipelines;
using DKV.Core.Protocol;

namespace DKV.Transports.ZeroMQ;

/// <summary>
/// The output side of a <see cref="ZmqSessionConnection"/>: a <see cref="PipeWriter"/> that, on each flush, cuts the bytes
/// written so far into whole messages (the handshake message first, then one per frame) and queues them for the I/O thread
/// directly, without a send loop in between. At most <c>maxQueuedMessages</c> of the session's messages wait for the I/O
/// thread; a flush past that waits (back-pressure). Not thread-safe: the framing core's frame writer serialises all calls.
/// </summary>
internal sealed class ZmqMessageWriter : PipeWriter
{
    private const int MinimumBufferBytes = 4096;

    private readonly bool _serverSide;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationToken _closing;
    private CancellationTokenSource? _flushCancel;
    private IZmqSessionLink? _link;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(MinimumBufferBytes);
    private int _start;
    private int _end;
    private bool _handshakeSent;
    private bool _completed;

    /// <param name="serverSide">True when the first message is a reply (server), false when it is a hello (client).</param>
    /// <param name="slots">The session's send slots; released by the I/O thread once a message left.</param>
    /// <param name="closing">Cancelled when the session ends; a flush waiting for a slot then reports completion.</param>
    public ZmqMessageWriter(bool serverSide, SemaphoreSlim slots, CancellationToken closing)
    {
        _serverSide = serverSide;
        _slots = slots;
        _closing = closing;
    }

    public void Attach(IZmqSessionLink link) => _link = link;

    public override void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, _buffer.Length - _end);
        _end += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_end);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_end);
    }

    public override void CancelPendingFlush() => _flushCancel?.Cancel();

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        byte[] buffer = _buffer;
        _buffer = [];
        _start = _end = 0;
        ArrayPool<byte>.Shared.Return(buffer);
    }

    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_completed || _link is null)
        {
            return new FlushResult(isCanceled: false, isCompleted: true);
        }

        while (TryCut(out int length))
        {
            if (!_slots.Wait(0))
            {
                if (!await WaitForSlotAsync(cancellationToken).ConfigureAwait(false))
                {
                    return new FlushResult(isCanceled: !_closing.IsCancellationRequested, isCompleted: _closing.IsCancellationRequested);
                }
            }

            byte[] message = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
            _buffer.AsSpan(_start, length).CopyTo(message);
            _start += length;
            if (!_link.Send(message, length))
            {
                ArrayPool<byte>.Shared.Return(message);
                _slots.Release();
                return new FlushResult(isCanceled: false, isCompleted: true);
            }
        }

        if (_start == _end)
        {
            _start = _end = 0;
        }

        return new FlushResult(isCanceled: false, isCompleted: false);
    }

    /// <summary>Waits for a send slot; false when the session ended or the flush was cancelled (nothing more is sent then).</summary>
    private async ValueTask<bool> WaitForSlotAsync(CancellationToken cancellationToken)
    {
        _flushCancel ??= new CancellationTokenSource();
        if (!_flushCancel.TryReset())
        {
            _flushCancel.Dispose();
            _flushCancel = new CancellationTokenSource();
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing, _flushCancel.Token);
        try
        {
            await _slots.WaitAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The length of the next whole message at the front of the buffered bytes, if there is one.</summary>
    private bool TryCut(out int length)
    {
        length = 0;
        var pending = new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
        if (pending.IsEmpty)
        {
            return false;
        }

        if (!_handshakeSent)
        {
            ReadOnlySequence<byte> rest = pending;
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

            length = (int)(pending.Length - rest.Length);
            _handshakeSent = true;
            return true;
        }

        if (FrameParser.TryParse(pending, int.MaxValue, out _, out _, out long frameBytes) != FrameParseStatus.Complete)
        {
            return false;
        }

        length = (int)frameBytes;
        return true;
    }

    private void Ensure(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _end >= needed)
        {
            return;
        }

        int live = _end - _start;
        if (_start > 0 && _buffer.Length - live >= needed)
        {
            _buffer.AsSpan(_start, live).CopyTo(_buffer);
        }
        else
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(checked(live + needed), _buffer.Length * 2));
            _buffer.AsSpan(_start, live).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        _start = 0;
        _end = live;
    }
}
