using System.Net;
using System.Net.Sockets;

namespace DKV.EndToEnd.Tests.Cluster.Infrastructure;

/// <summary>
/// A loopback TCP proxy the test controls: it listens on a free port and forwards each accepted connection to
/// <see cref="Target"/>. <see cref="SetMode"/> cuts the link (open connections are dropped at once) and restores it.
/// </summary>
/// <remarks>Thread-safe. Disposing stops the listener and closes every connection; no background work outlives it.</remarks>
internal sealed class TcpProxy : IAsyncDisposable
{
    private const int BufferBytes = 64 * 1024;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Link> _links = [];
    private readonly HashSet<Task> _running = [];
    private readonly Task _acceptLoop;
    private ProxyMode _mode = ProxyMode.Forward;
    private long _acceptedCount;

    public TcpProxy(IPEndPoint target)
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Endpoint = (IPEndPoint)_listener.LocalEndpoint;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Where connections are forwarded.</summary>
    public IPEndPoint Target { get; }

    /// <summary>The loopback endpoint the proxy listens on.</summary>
    public IPEndPoint Endpoint { get; }

    public ProxyMode Mode
    {
        get
        {
            lock (_gate)
            {
                return _mode;
            }
        }
    }

    /// <summary>Connections accepted so far (in any mode).</summary>
    public long AcceptedCount => Interlocked.Read(ref _acceptedCount);

    /// <summary>Connections currently forwarding.</summary>
    public int OpenLinkCount
    {
        get
        {
            lock (_gate)
            {
                return _links.Count;
            }
        }
    }

    /// <summary>
    /// Switches the mode. A change drops every open connection (forwarded or black-holed) before returning, so a cut takes effect
    /// at once and a heal starts from fresh connections.
    /// </summary>
    public void SetMode(ProxyMode mode)
    {
        List<Link> dropped;
        lock (_gate)
        {
            if (_mode == mode)
            {
                return;
            }

            _mode = mode;
            dropped = [.. _links];
            _links.Clear();
        }

        foreach (var link in dropped)
        {
            link.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        SetMode(ProxyMode.Refuse);
        await _acceptLoop;
        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        await Task.WhenAll(running);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _acceptedCount);
            accepted.NoDelay = true;
            switch (Mode)
            {
                case ProxyMode.Refuse:
                    accepted.Close(0);
                    break;
                case ProxyMode.BlackHole:
                    Track(DiscardAsync(accepted));
                    break;
                default:
                    Track(ForwardAsync(accepted));
                    break;
            }
        }
    }

    /// <summary>Keeps a connection task until it ends so that dispose can wait for it (its exceptions are handled inside).</summary>
    private void Track(Task task)
    {
        lock (_gate)
        {
            _running.Add(task);
        }

        task.ContinueWith(
            done =>
            {
                lock (_gate)
                {
                    _running.Remove(done);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Registers a link while the mode is still <paramref name="expected"/>; otherwise closes it and returns false.</summary>
    private bool TryAddLink(Link link, ProxyMode expected)
    {
        lock (_gate)
        {
            if (_mode != expected)
            {
                link.Close();
                return false;
            }

            _links.Add(link);
            return true;
        }
    }

    private void RemoveLink(Link link)
    {
        lock (_gate)
        {
            _links.Remove(link);
        }
    }

    /// <summary>Reads and throws away what a black-holed connection sends until it closes, the mode changes or the proxy stops.</summary>
    private async Task DiscardAsync(Socket socket)
    {
        var link = new Link(socket, null);
        if (!TryAddLink(link, ProxyMode.BlackHole))
        {
            return;
        }

        byte[] buffer = new byte[BufferBytes];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token) > 0)
            {
                // Discard.
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The peer or the proxy closed the connection: nothing more to discard.
        }

        link.Close();
        RemoveLink(link);
    }

    private async Task ForwardAsync(Socket inbound)
    {
        var outbound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var link = new Link(inbound, outbound);
        try
        {
            using var connectDeadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            connectDeadline.CancelAfter(TimeSpan.FromSeconds(5));
            await outbound.ConnectAsync(Target, connectDeadline.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            link.Close();
            return;
        }

        if (!TryAddLink(link, ProxyMode.Forward))
        {
            return;
        }

        await Task.WhenAll(PumpAsync(inbound, outbound, link), PumpAsync(outbound, inbound, link));
        RemoveLink(link);
    }

    /// <summary>Copies one direction; when either side ends or fails, the whole link is closed (both pumps then stop).</summary>
    private async Task PumpAsync(Socket from, Socket to, Link link)
    {
        byte[] buffer = new byte[BufferBytes];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                int sent = 0;
                while (sent < read)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // A dropped link or a stopped proxy: close both sides below.
        }

        link.Close();
    }

    /// <summary>One forwarded connection: both sockets, closed together with a reset so the peers notice at once.</summary>
    private sealed class Link(Socket inbound, Socket? outbound)
    {
        private int _closed;

        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0)
            {
                return;
            }

            inbound.Close(0);
            outbound?.Close(0);
        }
    }
}
