using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace DKV.Consensus.Tests.Peers;

/// <summary>
/// A TCP proxy on 127.0.0.1 port 0 that stands for one node in the other nodes' address lists, so tests can start every node
/// on port 0, point the proxy at it afterwards, cut and heal the link, or replace the node. Connections made while it is cut
/// or has no target are accepted and closed at once.
/// </summary>
internal sealed class PeerProxy : IAsyncDisposable
{
    private readonly Socket _listener = new(SocketType.Stream, ProtocolType.Tcp);
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private volatile string? _target;
    private volatile bool _cut;
    private long _forwardedBytes;

    public PeerProxy()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        Address = _listener.LocalEndPoint!.ToString()!;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Where the other nodes connect, <c>127.0.0.1:port</c>.</summary>
    public string Address { get; }

    /// <summary>Where new connections go (a node's bound address), or null to refuse them.</summary>
    public string? Target
    {
        get => _target;
        set => _target = value;
    }

    /// <summary>When set, the proxy cuts itself once this many bytes have been forwarded in total (a node dying mid-transfer).</summary>
    public long CutAfterForwardedBytes { get; set; } = long.MaxValue;

    /// <summary>Closes every open connection and refuses new ones until <see cref="Heal"/>.</summary>
    public void Cut()
    {
        _cut = true;
        foreach (Socket socket in _open.Keys)
        {
            socket.Dispose();
        }
    }

    public void Heal() => _cut = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        Cut();
        await _acceptLoop;
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = PairAsync(client);
        }
    }

    private async Task PairAsync(Socket client)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        _open[client] = 0;
        _open[server] = 0;
        try
        {
            string? target = _target;
            if (_cut || target is null)
            {
                return;
            }

            int colon = target.LastIndexOf(':');
            await server.ConnectAsync(target[..colon], int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), _stop.Token);
            client.NoDelay = true;
            server.NoDelay = true;
            Task up = PumpAsync(client, server);
            Task down = PumpAsync(server, client);
            await Task.WhenAny(up, down);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The node behind the proxy is gone or the proxy is closing: the connection simply ends.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(server, out _);
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                if (Interlocked.Add(ref _forwardedBytes, read) > CutAfterForwardedBytes)
                {
                    Cut();
                    return;
                }

                int sent = 0;
                while (sent < read)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, _stop.Token);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Either side closed: the pair is torn down by the caller.
        }
    }
}
