using DKV.Transports.ZeroMQ.Interop;

namespace DKV.Transports.ZeroMQ;

/// <summary>A socket registered with a <see cref="ZmqReactor"/>. Every member is called on the reactor's I/O thread only.</summary>
internal interface IZmqPollable
{
    ZmqSocketHandle Socket { get; }

    /// <summary>The events to wait for next (<c>ZMQ_POLLIN</c>, <c>ZMQ_POLLOUT</c>); read before every poll.</summary>
    short WantedEvents { get; }

    /// <summary>Called when the poll returned <paramref name="events"/> for the socket.</summary>
    void OnReady(short events);

    /// <summary>The reactor is stopping with this socket still registered: end whatever uses it (stop monitors, fail waiters).</summary>
    void OnReactorStopping();
}
