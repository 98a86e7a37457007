using System.IO.Pipelines;

namespace DKV.Core.Transport;

/// <summary>
/// One established byte-stream connection (a TCP or Unix socket, a QUIC stream ...) seen as a pair of pipes. Every stream
/// transport produces these; the frame connections (<see cref="FrameClientConnection"/>, <see cref="FrameServerConnection"/>)
/// run the protocol over them.
/// </summary>
/// <remarks>
/// The owner reads <see cref="IDuplexPipe.Input"/> from one task and writes <see cref="IDuplexPipe.Output"/> under its own lock,
/// completes both when done, then disposes. <see cref="IAsyncDisposable.DisposeAsync"/> sends what was written (bounded by a close
/// timeout) and closes; <see cref="Abort"/> closes at once and may be called from any thread, any number of times.
/// </remarks>
public interface IDuplexConnection : IDuplexPipe, IAsyncDisposable
{
    /// <summary>The peer, for logs and errors (for example <c>127.0.0.1:53412</c> or a socket path).</summary>
    string RemoteEndpoint { get; }

    /// <summary>Closes the connection at once; pending reads and writes fail.</summary>
    void Abort();
}
