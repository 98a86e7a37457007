namespace DKV.Transports.ZeroMQ.Interop;

/// <summary>
/// A <c>zmq_poll</c> set: sockets with the events wanted for each. Holds a reference on every socket handle it contains, so a
/// socket cannot be closed while registered. Used by one I/O thread only.
/// </summary>
internal sealed unsafe class ZmqPoller
{
    private readonly List<ZmqSocketHandle> _sockets = [];
    private ZmqPollItem[] _items = new ZmqPollItem[8];

    public int Count => _sockets.Count;

    /// <summary>Adds <paramref name="socket"/> and returns its index (indexes shift down when an earlier socket is removed).</summary>
    public int Add(ZmqSocketHandle socket, short events)
    {
        bool added = false;
        socket.DangerousAddRef(ref added);
        if (_sockets.Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[_sockets.Count] = new ZmqPollItem { Socket = socket.DangerousGetHandle(), Events = events };
        _sockets.Add(socket);
        return _sockets.Count - 1;
    }

    public void Remove(ZmqSocketHandle socket)
    {
        int index = _sockets.IndexOf(socket);
        if (index < 0)
        {
            return;
        }

        _sockets.RemoveAt(index);
        Array.Copy(_items, index + 1, _items, index, _sockets.Count - index);
        _items[_sockets.Count] = default;
        socket.DangerousRelease();
    }

    public ZmqSocketHandle SocketAt(int index) => _sockets[index];

    public void SetEvents(int index, short events) => _items[index].Events = events;

    public short ReturnedEvents(int index) => _items[index].ReturnedEvents;

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> (-1: forever) for any wanted event; returns how many sockets are ready.</summary>
    public int Poll(long timeoutMilliseconds)
    {
        fixed (ZmqPollItem* items = _items)
        {
            int ready = Libzmq.Poll(items, _sockets.Count, timeoutMilliseconds);
            if (ready < 0)
            {
                int errno = Libzmq.Errno();
                if (errno == Libzmq.EINTR)
                {
                    return 0;
                }

                throw new ZmqException("zmq_poll", errno);
            }

            return ready;
        }
    }
}
