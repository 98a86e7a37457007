using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DKV.Core.Transport;

/// <summary>
/// The server side of any stream transport: an accept loop over an <see cref="IConnectionListener"/> that survives accept errors
/// (with backoff, never busy-looping), one <see cref="FrameServerConnection"/> per accepted connection, and a graceful drain on stop.
/// A transport plugin supplies only an <see cref="IConnectionListenerFactory"/>. Start and stop are not concurrent-safe with
/// each other; everything else is thread-safe.
/// </summary>
public sealed class ListenerServerTransport : IServerTransport
{
    private static readonly TimeSpan s_firstAcceptRetryDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_maxAcceptRetryDelay = TimeSpan.FromSeconds(1);

    private readonly string _transportName;
    private readonly IConnectionListenerFactory _listenerFactory;
    private readonly ServerTransportOptions _options;
    private readonly ILogger _logger;
    private readonly ILogger _connectionLogger;
    private readonly ConcurrentDictionary<long, (FrameServerConnection Connection, Task Run)> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private IConnectionListener? _listener;
    private IRequestHandler? _handler;
    private Task _acceptLoop = Task.CompletedTask;
    private Task? _stopTask;
    private long _nextConnectionId;

    public ListenerServerTransport(string transportName, IConnectionListenerFactory listenerFactory, ServerTransportOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transportName);
        ArgumentNullException.ThrowIfNull(listenerFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        _transportName = transportName;
        _listenerFactory = listenerFactory;
        _options = options;
        _logger = loggerFactory.CreateLogger<ListenerServerTransport>();
        _connectionLogger = loggerFactory.CreateLogger<FrameServerConnection>();
    }

    public string BoundEndpoint => _listener?.BoundEndpoint ?? throw new InvalidOperationException($"the {_transportName} server is not started");

    /// <summary>Connections currently open.</summary>
    public int ConnectionCount => _connections.Count;

    public async ValueTask StartAsync(IRequestHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_listener is not null || _stopTask is not null)
        {
            throw new InvalidOperationException($"the {_transportName} server was already started; create a new one");
        }

        _handler = handler;
        _listener = await _listenerFactory.BindAsync(_options, cancellationToken).ConfigureAwait(false);
        _acceptLoop = AcceptLoopAsync(_listener);
        TransportLog.ServerStarted(_logger, _transportName, _listener.BoundEndpoint, _options.MaxInflightPerConnection);
    }

    /// <summary>
    /// Stops accepting, lets every connection finish the requests it has read (their answers are sent), then closes them.
    /// When <paramref name="cancellationToken"/> fires first, the remaining connections are aborted. Idempotent.
    /// </summary>
    public ValueTask StopAsync(CancellationToken cancellationToken)
    {
        _stopTask ??= StopCoreAsync(cancellationToken);
        return new ValueTask(_stopTask);
    }

    /// <summary>Stops at once: like <see cref="StopAsync"/> with no time to drain.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_listener is null)
        {
            return;
        }

        string endpoint = _listener.BoundEndpoint;
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _acceptLoop.ConfigureAwait(false);
        var open = _connections.Values.ToList();
        TransportLog.ServerStopping(_logger, _transportName, endpoint, open.Count);
        foreach (var (connection, _) in open)
        {
            connection.BeginDrain();
        }

        Task all = Task.WhenAll(open.Select(c => c.Run));
        try
        {
            await all.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            TransportLog.DrainCutShort(_logger, _transportName, _connections.Count);
            foreach (var (connection, _) in open)
            {
                connection.Abort();
            }

            await all.ConfigureAwait(false);
        }

        TransportLog.ServerStopped(_logger, _transportName, endpoint);
    }

    private async Task AcceptLoopAsync(IConnectionListener listener)
    {
        await Task.Yield();
        int consecutiveErrors = 0;
        while (!_stopping.IsCancellationRequested)
        {
            IDuplexConnection connection;
            try
            {
                connection = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
                consecutiveErrors = 0;
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (ObjectDisposedException ex)
            {
                TransportLog.ListenerClosed(_logger, _transportName, ex);
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                consecutiveErrors++;
                TimeSpan delay = TimeSpan.FromTicks(Math.Min(s_firstAcceptRetryDelay.Ticks << Math.Min(consecutiveErrors - 1, 20), s_maxAcceptRetryDelay.Ticks));
                TransportLog.AcceptFailed(_logger, _transportName, consecutiveErrors, (long)delay.TotalMilliseconds, ex);
                if (!await DelayUnlessStoppingAsync(delay).ConfigureAwait(false))
                {
                    break;
                }

                continue;
            }

            StartConnection(connection);
        }
    }

    private void StartConnection(IDuplexConnection duplex)
    {
        TransportLog.ConnectionAccepted(_connectionLogger, duplex.RemoteEndpoint);
        var connection = new FrameServerConnection(duplex, _handler!, _options, _connectionLogger);
        long id = Interlocked.Increment(ref _nextConnectionId);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task run = RunConnectionAsync(id, connection, started.Task);
        _connections[id] = (connection, run);
        started.SetResult();
    }

    private async Task RunConnectionAsync(long id, FrameServerConnection connection, Task registered)
    {
        await registered.ConfigureAwait(false);
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(id, out _);
        }
    }

    private async ValueTask<bool> DelayUnlessStoppingAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
