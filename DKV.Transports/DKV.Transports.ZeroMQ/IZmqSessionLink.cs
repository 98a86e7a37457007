namespace DKV.Transports.ZeroMQ;

/// <summary>The socket side of one <see cref="ZmqSessionConnection"/>: a DEALER session (client) or one peer of a ROUTER (server).</summary>
internal interface IZmqSessionLink
{
    /// <summary>
    /// Queues one data message for the I/O thread, which sends it and returns <paramref name="rented"/> to the shared pool.
    /// Thread-safe. Returns false (and keeps nothing) once the session is closed.
    /// </summary>
    bool Send(byte[] rented, int length);

    /// <summary>Ends the session from any thread: the peer is told (CLOSE) where possible and the connection's input completes.</summary>
    void Close(string reason);
}
