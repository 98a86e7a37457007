using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using DKV.Core.Errors;

namespace DKV.Consensus.Peers;

/// <summary>
/// One TCP connection between two peers: reads whole frames (length checked before buffering) and writes byte blocks.
/// One reader and one writer at a time; <see cref="Dispose"/> may be called from any thread, any number of times.
/// </summary>
internal sealed class PeerConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private int _disposed;

    public PeerConnection(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true;
        Remote = socket.RemoteEndPoint?.ToString() ?? "unknown";
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024));
    }

    /// <summary>The remote address, for logs.</summary>
    public string Remote { get; }

    /// <summary>Writes <paramref name="bytes"/> whole.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        int sent = 0;
        while (sent < bytes.Length)
        {
            int more = await _socket.SendAsync(bytes[sent..], SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (more == 0)
            {
                throw new DkvException(DkvErrorCode.ConnectionLost, $"peer {Remote} stopped accepting data");
            }

            sent += more;
        }
    }

    /// <summary>Sends this node's handshake and reads the peer's; returns the peer's replica id.</summary>
    public async ValueTask<ulong> ExchangeHandshakeAsync(ulong localId, CancellationToken cancellationToken)
    {
        byte[] hello = new byte[PeerWire.HandshakeBytes];
        PeerWire.WriteHandshake(hello, localId);
        await SendAsync(hello, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            ReadResult result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length >= PeerWire.HandshakeBytes)
            {
                buffer.Slice(0, PeerWire.HandshakeBytes).CopyTo(hello);
                _reader.AdvanceTo(buffer.GetPosition(PeerWire.HandshakeBytes));
                return PeerWire.ReadHandshake(hello);
            }

            if (result.IsCompleted)
            {
                throw new DkvException(DkvErrorCode.ConnectionLost, $"peer {Remote} closed the connection during the handshake ({buffer.Length} of {PeerWire.HandshakeBytes} bytes)");
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads frames into <paramref name="sink"/> until the peer closes (returns) or a frame is bad (throws).</summary>
    /// <exception cref="DkvException">A frame over <paramref name="maxMessageBytes"/>, malformed, or cut off by the peer closing.</exception>
    public async Task ReadFramesAsync(IPeerFrameSink sink, int maxMessageBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            while (TryTakeFrame(ref buffer, sink, maxMessageBytes))
            {
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                if (!buffer.IsEmpty)
                {
                    throw new DkvException(DkvErrorCode.ConnectionLost, $"peer {Remote} closed the connection in the middle of a frame ({buffer.Length} bytes discarded)");
                }

                _reader.AdvanceTo(buffer.End);
                return;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Shutdown first so a blocked send or receive on another thread ends at once.
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: nothing left to shut down.
        }
        catch (ObjectDisposedException)
        {
            // Closed by the stream already.
        }

        _stream.Dispose();
    }

    private static bool TryTakeFrame(ref ReadOnlySequence<byte> buffer, IPeerFrameSink sink, int maxMessageBytes)
    {
        if (buffer.Length < PeerWire.FrameHeaderBytes)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[PeerWire.FrameHeaderBytes];
        buffer.Slice(0, PeerWire.FrameHeaderBytes).CopyTo(header);
        int length = PeerWire.ReadFrameHeader(header, maxMessageBytes, out PeerFrameKind kind);
        if (buffer.Length - PeerWire.FrameHeaderBytes < length)
        {
            return false;
        }

        ReadOnlySequence<byte> payload = buffer.Slice(PeerWire.FrameHeaderBytes, length);
        if (payload.IsSingleSegment)
        {
            sink.OnFrame(kind, payload.FirstSpan);
        }
        else
        {
            byte[] rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                payload.CopyTo(rented);
                sink.OnFrame(kind, rented.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        buffer = buffer.Slice(payload.End);
        return true;
    }
}
