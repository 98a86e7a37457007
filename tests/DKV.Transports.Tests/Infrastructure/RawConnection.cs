using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using DKV.Core.Messages;
using DKV.Core.Protocol;
using DKV.Core.Serialization;

namespace DKV.Transports.Tests.Infrastructure;

/// <summary>A raw socket to a live server, for sending arbitrary (including malformed) bytes and reading what comes back.</summary>
public sealed class RawConnection : IAsyncDisposable
{
    private static readonly TimeSpan s_readTimeout = TimeSpan.FromSeconds(10);
    private readonly Socket _socket;

    private RawConnection(Socket socket)
    {
        _socket = socket;
    }

    public static async Task<RawConnection> OpenAsync(string transport, string endpoint)
    {
        Socket socket;
        EndPoint target;
        if (transport == "unix")
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            target = new UnixDomainSocketEndPoint(endpoint);
        }
        else
        {
            socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            target = IPEndPoint.Parse(endpoint);
        }

        await socket.ConnectAsync(target);
        return new RawConnection(socket);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes) => await _socket.SendAsync(bytes);

    public Task SendHelloAsync(ushort version = WireProtocol.Version, string serializer = "binary")
    {
        var writer = new ArrayBufferWriter<byte>();
        HandshakeCodec.WriteHello(writer, new ClientHello(version, serializer));
        return SendAsync(writer.WrittenMemory);
    }

    /// <summary>Sends a valid hello and checks the server accepts it.</summary>
    public async Task HandshakeAsync()
    {
        await SendHelloAsync();
        ServerReply reply = await ReadReplyAsync();
        if (!reply.Accepted)
        {
            throw new InvalidOperationException("server refused a valid hello: " + reply.Reason);
        }
    }

    public async Task<ServerReply> ReadReplyAsync()
    {
        byte[] head = await ReadExactlyAsync(WireProtocol.ReplyFixedBytes);
        int reasonLength = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(7));
        byte[] reason = await ReadExactlyAsync(reasonLength);
        var all = new ReadOnlySequence<byte>([.. head, .. reason]);
        if (HandshakeCodec.TryReadReply(ref all, out ServerReply reply, out string invalid) != HandshakeReadStatus.Complete)
        {
            throw new InvalidOperationException("not a reply: " + invalid);
        }

        return reply;
    }

    public Task SendFrameAsync(ulong shardId, ulong requestId, ReadOnlySpan<byte> payload)
    {
        byte[] frame = new byte[WireProtocol.FrameHeaderBytes + payload.Length];
        new FrameHeader(shardId, requestId, (uint)payload.Length).Write(frame);
        payload.CopyTo(frame.AsSpan(WireProtocol.FrameHeaderBytes));
        return SendAsync(frame);
    }

    public Task SendMessageAsync(IRpcSerializer serializer, ulong shardId, ulong requestId, in Message message)
    {
        var writer = new ArrayBufferWriter<byte>();
        serializer.Serialize(message, writer);
        return SendFrameAsync(shardId, requestId, writer.WrittenSpan);
    }

    public async Task<(FrameHeader Header, byte[] Payload)> ReadFrameAsync()
    {
        FrameHeader header = FrameHeader.Read(await ReadExactlyAsync(WireProtocol.FrameHeaderBytes));
        return (header, await ReadExactlyAsync((int)header.PayloadLength));
    }

    /// <summary>True when the server closes the connection (reads end) within the timeout; anything received first is discarded.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        byte[] sink = new byte[4096];
        try
        {
            while (await _socket.ReceiveAsync(sink, SocketFlags.None, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        byte[] buffer = new byte[count];
        using var cts = new CancellationTokenSource(s_readTimeout);
        int read = 0;
        while (read < count)
        {
            int n = await _socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cts.Token);
            if (n == 0)
            {
                throw new EndOfStreamException($"connection closed after {read} of {count} bytes");
            }

            read += n;
        }

        return buffer;
    }
}
