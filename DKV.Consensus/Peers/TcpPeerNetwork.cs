using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DKV.Consensus.Raft;
using DKV.Core.Errors;
using Microsoft.Extensions.Logging;

namespace DKV.Consensus.Peers;

/// <summary>
/// The peer network over TCP: one outbound connection per peer carries this node's Raft messages (batched, many per write)
/// and requests; replies and snapshot acknowledgements come back on it. Peers open their own connections to this node's
/// listener. Peers are identified by the replica id in the handshake, never by address.
/// </summary>
/// <remarks>
/// Thread-safe. Each peer's queue is bounded by <see cref="TcpPeerNetworkOptions.QueueCapacity"/> messages and
/// <see cref="TcpPeerNetworkOptions.QueueBytes"/> encoded bytes (a snapshot counts its header only: its data is the caller's
/// memory, read chunk by chunk, and must not change until <see cref="IPeerHandler.OnSnapshotSent"/>).
/// On a connection failure the peer's queue is dropped, its calls fail, its snapshots report failure,
/// <see cref="IPeerHandler.OnPeerUnreachable"/> is called, and the link reconnects with exponential backoff and jitter.
/// </remarks>
public sealed class TcpPeerNetwork : IPeerNetwork
{
    private readonly TcpPeerNetworkOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<ulong, PeerLink> _links = [];
    private readonly ConcurrentDictionary<InboundSession, Task> _sessions = new();
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private PeerNetworkContext? _context;
    private int _disposed;

    /// <exception cref="DkvException">An option is out of range (<see cref="DkvErrorCode.InvalidArgument"/>).</exception>
    public TcpPeerNetwork(TcpPeerNetworkOptions options)
    {
        TcpPeerNetworkOptionsValidator.Validate(options);
        _options = options;
        _logger = options.LoggerFactory.CreateLogger<TcpPeerNetwork>();
        BoundAddress = options.ListenAddress;
    }

    /// <inheritdoc/>
    public ulong LocalId => _options.LocalId;

    /// <summary>The address this node listens on, <c>host:port</c> with the real port; valid after <see cref="StartAsync"/>.</summary>
    public string BoundAddress { get; private set; }

    /// <summary>Socket writes of Raft messages, requests and snapshot chunks so far, over every peer (a diagnostic for batching).</summary>
    internal long WritesIssued => _links.Values.Sum(link => link.WritesIssued);

    /// <inheritdoc/>
    public async ValueTask StartAsync(IPeerHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_context is not null)
        {
            throw new InvalidOperationException($"the peer network of replica {LocalId} is already started; StartAsync is called once");
        }

        _listener = await BindAsync(cancellationToken).ConfigureAwait(false);
        BoundAddress = _listener.LocalEndPoint!.ToString()!;
        var context = new PeerNetworkContext(_options, handler, _logger);
        foreach ((ulong id, string address) in _options.PeerAddresses)
        {
            _links[id] = new PeerLink(context, id, address);
        }

        _context = context;
        PeerLog.Listening(_logger, LocalId, BoundAddress);
        _acceptLoop = Task.Run(() => AcceptLoopAsync(_listener, context));
        foreach (PeerLink link in _links.Values)
        {
            link.Start();
        }
    }

    /// <inheritdoc/>
    public bool Send(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_context is null || _disposed != 0 || !_links.TryGetValue(message.To, out PeerLink? link))
        {
            return false;
        }

        long bytes = RaftMessageCodec.GetEncodedSize(message, includeSnapshotData: message.Snapshot is null);
        long limit = message.Snapshot is null
            ? _options.MaxMessageBytes
            : TcpPeerNetworkOptionsValidator.SnapshotHeaderAllowanceBytes - SnapshotChunkCodec.ChunkHeaderBytes;
        if (bytes > limit)
        {
            PeerLog.MessageTooLarge(_logger, LocalId, message.Type.ToString(), message.To, bytes, (int)limit);
            return false;
        }

        return link.TrySend(message, (int)bytes);
    }

    /// <inheritdoc/>
    public ValueTask<PeerReply> CallAsync(ulong to, PeerRequest request, CancellationToken cancellationToken = default)
    {
        if (_context is null || _disposed != 0)
        {
            throw new DkvException(DkvErrorCode.Unavailable, $"the peer network of replica {LocalId} is not running; the request to peer {to} was not sent");
        }

        if (!_links.TryGetValue(to, out PeerLink? link))
        {
            throw new DkvException(
                DkvErrorCode.Unavailable,
                $"replica {to} is not a peer of replica {LocalId} (peers: {string.Join(", ", _links.Keys)}); the request was not sent");
        }

        int size = PeerCallCodec.GetRequestSize(request);
        if (size > _options.MaxMessageBytes)
        {
            throw new DkvException(
                DkvErrorCode.TooLarge,
                $"a request of {size} bytes to peer {to} is over the maximum of {_options.MaxMessageBytes} (MaxMessageBytes); it was not sent");
        }

        return link.CallAsync(request, cancellationToken);
    }

    /// <summary>Closes the listener and every connection; pending calls fail with ConnectionLost or Unavailable.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        foreach (PeerLink link in _links.Values)
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        foreach (InboundSession session in _sessions.Keys)
        {
            session.Abort();
        }

        await Task.WhenAll(_sessions.Values).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task<Socket> BindAsync(CancellationToken cancellationToken)
    {
        (string host, int port) = TcpPeerAddress.Parse(_options.ListenAddress, nameof(_options.ListenAddress));
        Socket? socket = null;
        try
        {
            IPAddress address = IPAddress.TryParse(host, out IPAddress? parsed)
                ? parsed
                : (await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false))
                    .OrderBy(candidate => candidate.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
            socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(512);
            return socket;
        }
        catch (Exception exception) when (exception is SocketException or InvalidOperationException)
        {
            socket?.Dispose();
            throw new DkvException(
                DkvErrorCode.Unavailable,
                $"replica {LocalId} cannot listen for peers on '{_options.ListenAddress}': {exception.Message}; free the port or fix this node's entry in --cluster-members",
                exception);
        }
    }

    private async Task AcceptLoopAsync(Socket listener, PeerNetworkContext context)
    {
        var known = new HashSet<ulong>(_links.Keys);
        int failures = 0;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                Socket socket = await listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                failures = 0;
                var session = new InboundSession(context, socket, known, _stop.Token);
                Task run = Task.Run(session.RunAsync);
                _sessions[session] = run;
                _ = run.ContinueWith(static (_, state) => ((Action)state!)(), () => _sessions.TryRemove(session, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException && _stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException exception)
            {
                // Out of descriptors and the like: back off and keep listening rather than stop taking peers.
                failures++;
                PeerLog.AcceptFailed(_logger, LocalId, exception.Message);
                TimeSpan delay = PeerBackoff.ForFailure(_options.ReconnectBaseDelay, _options.ReconnectMaxDelay, failures);
                try
                {
                    await Task.Delay(delay, _options.Time, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
