using System.Buffers;
using System.Collections.Concurrent;
using DKV.Transports.ZeroMQ.Interop;

namespace DKV.Transports.ZeroMQ;

/// <summary>
/// Messages queued for one socket and sent by its I/O thread without blocking. When libzmq answers EAGAIN (the high-water mark is
/// reached) the head message is kept and <see cref="IsBlocked"/> asks the poll loop to wait for <c>ZMQ_POLLOUT</c>.
/// Enqueueing is thread-safe; everything else runs on the I/O thread.
/// </summary>
internal sealed class ZmqSendQueue
{
    private readonly ConcurrentQueue<(ZmqOutbound Message, byte[]? RoutingId)> _queue = new();
    private readonly ZmqReactor _reactor;
    private readonly Action _flush;
    private int _flushScheduled;

    /// <param name="reactor">The I/O thread that sends.</param>
    /// <param name="flush">Runs on the I/O thread to send what is queued (usually calls <see cref="Flush"/>).</param>
    public ZmqSendQueue(ZmqReactor reactor, Action flush)
    {
        _reactor = reactor;
        _flush = flush;
    }

    /// <summary>True while the head message waits for the socket to accept more (wait for <c>ZMQ_POLLOUT</c>).</summary>
    public bool IsBlocked { get; private set; }

    /// <summary>Queues a message (any thread) and schedules a flush. False when the reactor has stopped.</summary>
    public bool Enqueue(ZmqOutbound message, byte[]? routingId)
    {
        _queue.Enqueue((message, routingId));
        if (Interlocked.Exchange(ref _flushScheduled, 1) == 0)
        {
            return _reactor.Post(_flush);
        }

        return true;
    }

    /// <summary>
    /// Sends queued messages until the queue is empty or the socket is full (I/O thread). A message with a routing id (ROUTER)
    /// never blocks the queue: when its peer is gone (EHOSTUNREACH) or has a full queue because it does not read (EAGAIN at the
    /// high-water mark), the message is dropped and <paramref name="peerFailed"/> is told, so one slow client cannot stall the others.
    /// </summary>
    public void Flush(ZmqSocketHandle socket, Action<byte[], int>? peerFailed)
    {
        Volatile.Write(ref _flushScheduled, 0);
        IsBlocked = false;
        while (_queue.TryPeek(out var item))
        {
            int errno = SendOne(socket, item.Message, item.RoutingId);
            if (errno == Libzmq.EAGAIN && item.RoutingId is null)
            {
                IsBlocked = true;
                return;
            }

            _queue.TryDequeue(out _);
            if (errno is Libzmq.EHOSTUNREACH or Libzmq.EAGAIN && item.RoutingId is not null)
            {
                peerFailed?.Invoke(item.RoutingId, errno);
            }
            else if (errno != 0)
            {
                throw new ZmqException("zmq_send", errno);
            }

            Release(item.Message);
        }
    }

    /// <summary>Drops everything queued, returning buffers and send slots (I/O thread, when the socket closes).</summary>
    public void Clear()
    {
        while (_queue.TryDequeue(out var item))
        {
            Release(item.Message);
        }

        IsBlocked = false;
    }

    private static int SendOne(ZmqSocketHandle socket, in ZmqOutbound message, byte[]? routingId)
    {
        if (routingId is not null)
        {
            int errno = ZmqNative.TrySend(socket, routingId, more: true);
            if (errno != 0)
            {
                return errno;
            }
        }

        // Once the first part of a multi-part message is accepted, libzmq accepts the rest (messages are atomic).
        if (message.Control)
        {
            ZmqNative.TrySend(socket, [], more: true);
        }

        return ZmqNative.TrySend(socket, message.Data.AsSpan(0, message.Length), more: false);
    }

    private static void Release(in ZmqOutbound message)
    {
        if (!message.Control)
        {
            if (message.Data.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(message.Data);
            }

            message.Session?.OnMessageSent();
        }
    }
}
