using System.Buffers;
using DKV.Transports.ZeroMQ.Interop;

namespace DKV.Transports.Tests.ZeroMQ;

/// <summary>A bare DEALER socket on its own context, for speaking (and breaking) the zmq wire mapping from a test thread.</summary>
internal sealed class RawDealer : IDisposable
{
    private readonly ZmqContextHandle _context;
    private readonly ZmqSocketHandle _socket;
    private readonly ZmqPoller _poller = new();

    public RawDealer(string address, Action<ZmqSocketHandle>? configure = null)
    {
        _context = ZmqNative.CreateContext();
        _socket = ZmqSocketHandle.Create(_context, Libzmq.ZMQ_DEALER);
        ZmqNative.SetInt(_socket, Libzmq.ZMQ_LINGER, 0);
        configure?.Invoke(_socket);
        ZmqNative.Connect(_socket, address);
        _poller.Add(_socket, Libzmq.ZMQ_POLLIN);
    }

    /// <summary>Sends one message made of <paramref name="parts"/>.</summary>
    public void Send(params byte[][] parts)
    {
        for (int i = 0; i < parts.Length; i++)
        {
            if (ZmqNative.TrySend(_socket, parts[i], more: i < parts.Length - 1) != 0)
            {
                throw new InvalidOperationException("the raw dealer could not queue a message");
            }
        }
    }

    /// <summary>Receives the next whole message (its parts), or null when none comes within <paramref name="timeout"/>.</summary>
    public List<byte[]>? Receive(TimeSpan timeout)
    {
        if (_poller.Poll((long)timeout.TotalMilliseconds) == 0)
        {
            return null;
        }

        var parts = new List<byte[]>();
        bool more = true;
        while (more && ZmqNative.TryReceive(_socket, out byte[] data, out int length, out more, out _))
        {
            parts.Add(data.AsSpan(0, length).ToArray());
            if (data.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(data);
            }
        }

        return parts;
    }

    public void Dispose()
    {
        _poller.Remove(_socket);
        _socket.Dispose();
        _context.Dispose();
    }
}
