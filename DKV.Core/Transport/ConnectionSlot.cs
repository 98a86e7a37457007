using DKV.Core.Errors;
using Microsoft.Extensions.Logging;

namespace DKV.Core.Transport;

/// <summary>
/// One of the <see cref="ClientTransportOptions.ConnectionsPerEndpoint"/> connections to one endpoint. Holds the live connection,
/// if any, and reconnects in the background with exponential backoff after it is lost. Thread-safe.
/// </summary>
internal sealed class ConnectionSlot : IAsyncDisposable
{
    private readonly string _transportName;
    private readonly IConnectionDialer _dialer;
    private readonly ClientTransportOptions _options;
    private readonly ILogger _logger;
    private readonly Action _onConnected;
    private readonly CancellationToken _disposing;
    private volatile FrameClientConnection? _current;
    private int _reconnecting;
    private Task _reconnectLoop = Task.CompletedTask;

    public ConnectionSlot(string transportName, string endpoint, IConnectionDialer dialer, ClientTransportOptions options, ILogger logger, Action onConnected, CancellationToken disposing)
    {
        _transportName = transportName;
        Endpoint = endpoint;
        _dialer = dialer;
        _options = options;
        _logger = logger;
        _onConnected = onConnected;
        _disposing = disposing;
    }

    public string Endpoint { get; }

    /// <summary>Why the last connect attempt failed or the last connection was lost; empty while connected.</summary>
    public string LastFailure { get; private set; } = "not connected yet";

    public bool TryGetLive(out FrameClientConnection connection)
    {
        FrameClientConnection? current = _current;
        connection = current!;
        return current is { IsAlive: true };
    }

    /// <summary>Dials and performs the handshake once. Throws the failure (a <see cref="DkvException"/>).</summary>
    public async ValueTask ConnectOnceAsync(CancellationToken cancellationToken)
    {
        FrameClientConnection connection;
        try
        {
            IDuplexConnection duplex = await _dialer.DialAsync(Endpoint, _options, cancellationToken).ConfigureAwait(false);
            connection = new FrameClientConnection(duplex, Endpoint, _options, _logger);
            try
            {
                await connection.HandshakeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (DkvException ex)
        {
            LastFailure = ex.Message;
            throw;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            LastFailure = ex.Message;
            throw new DkvException(DkvErrorCode.Unavailable, $"cannot connect to {_transportName} endpoint {Endpoint}: {ex.Message}", ex);
        }

        FrameClientConnection? previous = Interlocked.Exchange(ref _current, connection);
        if (previous is not null)
        {
            await previous.DisposeAsync().ConfigureAwait(false);
        }

        LastFailure = string.Empty;
        TransportLog.ClientConnected(_logger, _transportName, Endpoint);
        _ = WatchAsync(connection);
        _onConnected();
    }

    /// <summary>Starts the background reconnect loop unless it is already running.</summary>
    public void StartReconnecting()
    {
        if (!_disposing.IsCancellationRequested && Interlocked.Exchange(ref _reconnecting, 1) == 0)
        {
            _reconnectLoop = ReconnectLoopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reconnectLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        FrameClientConnection? current = Interlocked.Exchange(ref _current, null);
        if (current is not null)
        {
            await current.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task WatchAsync(FrameClientConnection connection)
    {
        string reason = await connection.Closed.ConfigureAwait(false);
        if (_disposing.IsCancellationRequested || !ReferenceEquals(_current, connection))
        {
            return;
        }

        LastFailure = reason;
        TransportLog.ClientConnectionLost(_logger, _transportName, Endpoint, reason);
        StartReconnecting();
    }

    private async Task ReconnectLoopAsync()
    {
        await Task.Yield();
        TimeSpan delay = TimeSpan.Zero;
        try
        {
            while (!_disposing.IsCancellationRequested)
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(Backoff.WithJitter(delay), _disposing).ConfigureAwait(false);
                }

                try
                {
                    await ConnectOnceAsync(_disposing).ConfigureAwait(false);
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !_disposing.IsCancellationRequested)
                {
                    // Any failure (refused, handshake, an unexpected dialer error) is logged and retried with backoff.
                    LastFailure = ex.Message;
                    TransportLog.ClientConnectFailed(_logger, _transportName, Endpoint, ex.Message);
                }

                delay = delay == TimeSpan.Zero ? _options.RetryBaseDelay : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
            }
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
            // Disposed while waiting: stop quietly.
        }
        finally
        {
            Volatile.Write(ref _reconnecting, 0);
        }
    }
}
