using DKV.Transports.ZeroMQ.Interop;

namespace DKV.Transports.ZeroMQ;

/// <summary>The PAIR socket that receives a monitored socket's events, handed to <paramref name="onEvent"/> on the I/O thread.</summary>
internal sealed class ZmqMonitorPollable(ZmqSocketHandle socket, Action<ZmqMonitorEvent> onEvent) : IZmqPollable
{
    private static long s_nextId;

    public ZmqSocketHandle Socket { get; } = socket;

    public short WantedEvents => Libzmq.ZMQ_POLLIN;

    /// <summary>Starts monitoring <paramref name="target"/> for <paramref name="events"/> and returns the registered monitor (I/O thread).</summary>
    public static ZmqMonitorPollable Attach(ZmqReactor reactor, ZmqSocketHandle target, int events, Action<ZmqMonitorEvent> onEvent)
    {
        string address = $"inproc://dkv-zmq-monitor-{Environment.ProcessId}-{Interlocked.Increment(ref s_nextId)}";
        ZmqNative.Monitor(target, address, events);
        ZmqSocketHandle pair = ZmqSocketHandle.Create(reactor.Context, Libzmq.ZMQ_PAIR);
        try
        {
            ZmqNative.SetInt(pair, Libzmq.ZMQ_LINGER, 0);
            ZmqNative.Connect(pair, address);
        }
        catch
        {
            pair.Dispose();
            throw;
        }

        var monitor = new ZmqMonitorPollable(pair, onEvent);
        reactor.Register(monitor);
        return monitor;
    }

    /// <summary>Stops monitoring <paramref name="target"/>, then unregisters and closes the monitor socket (I/O thread).</summary>
    public void Detach(ZmqReactor reactor, ZmqSocketHandle target)
    {
        ZmqNative.StopMonitor(target);
        reactor.Unregister(this);
        Socket.Dispose();
    }

    public void OnReactorStopping()
    {
        // The monitored socket's owner stops monitoring before the sockets close.
    }

    public void OnReady(short events)
    {
        for (int i = 0; i < 64 && !Socket.IsClosed && ZmqMonitorEvent.TryRead(Socket, out ZmqMonitorEvent monitorEvent); i++)
        {
            onEvent(monitorEvent);
        }
    }
}
