using System.Buffers;
using System.Runtime.CompilerServices;
using DKV.Core.Errors;
using Microsoft.Extensions.Logging;

namespace DKV.Core.Transport;

/// <summary>
/// The client side of any stream transport: <see cref="ClientTransportOptions.ConnectionsPerEndpoint"/> multiplexed connections per
/// endpoint, requests spread round robin over endpoints and connections, dead connections skipped and re-dialled in the background,
/// a per-request timeout, and retries with exponential backoff and jitter where a retry is safe. Thread-safe.
/// </summary>
/// <remarks>
/// A request is retried only when it certainly did not leave (<see cref="DkvErrorCode.Unavailable"/>), or when the caller marked it
/// idempotent and its connection was lost or it timed out. There is no wait after the last attempt. At most
/// <see cref="ClientTransportOptions.MaxPendingRequests"/> requests are in flight; more fail at once with Unavailable.
/// A transport plugin supplies only an <see cref="IConnectionDialer"/>.
/// </remarks>
public sealed class MultiplexedClientTransport : IClientTransport
{
    private readonly string _transportName;
    private readonly ClientTransportOptions _options;
    private readonly ConnectionSlot[] _slots;
    private readonly CancellationTokenSource _disposing = new();
    private readonly ILogger _logger;
    private TaskCompletionSource _connectedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextSlot = -1;
    private int _inflight;
    private int _connected;
    private int _disposed;

    public MultiplexedClientTransport(string transportName, IConnectionDialer dialer, ClientTransportOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transportName);
        ArgumentNullException.ThrowIfNull(dialer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        _transportName = transportName;
        _options = options;
        _logger = loggerFactory.CreateLogger<MultiplexedClientTransport>();
        _slots = options.Endpoints
            .SelectMany(endpoint => Enumerable.Range(0, options.ConnectionsPerEndpoint).Select(_ => endpoint))
            .Select(endpoint => new ConnectionSlot(transportName, endpoint, dialer, options, _logger, SignalConnected, _disposing.Token))
            .ToArray();
    }

    /// <summary>Requests sent or waiting to be sent.</summary>
    public int InflightCount => Volatile.Read(ref _inflight);

    /// <summary>Connections currently alive.</summary>
    public int LiveConnectionCount => _slots.Count(slot => slot.TryGetLive(out _));

    /// <summary>
    /// Dials every connection. Succeeds when at least one connects (the rest keep retrying in the background). Fails with
    /// <see cref="DkvErrorCode.ProtocolMismatch"/> when a server refuses the handshake, or with Unavailable naming every endpoint's error.
    /// </summary>
    public async ValueTask ConnectAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (Interlocked.Exchange(ref _connected, 1) != 0)
        {
            throw new InvalidOperationException($"the {_transportName} client transport is already connected");
        }

        Task[] attempts = _slots.Select(slot => slot.ConnectOnceAsync(cancellationToken).AsTask()).ToArray();
        try
        {
            await Task.WhenAll(attempts).ConfigureAwait(false);
        }
        catch (Exception) when (attempts.Any(a => a.IsCompletedSuccessfully))
        {
            // Partly connected is connected: the failed slots reconnect in the background.
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A refused handshake or a malformed endpoint is a configuration error: report it as such, not as "unavailable".
            DkvException? configError = attempts.Select(a => a.Exception?.InnerException).OfType<DkvException>()
                .FirstOrDefault(e => e.Code is DkvErrorCode.ProtocolMismatch or DkvErrorCode.InvalidArgument);
            if (configError is not null)
            {
                throw new DkvException(configError.Code, configError.Message, configError);
            }

            throw new DkvException(DkvErrorCode.Unavailable, $"could not connect to any {_transportName} endpoint: {DescribeFailures()}");
        }

        for (int i = 0; i < _slots.Length; i++)
        {
            if (!attempts[i].IsCompletedSuccessfully)
            {
                TransportLog.ClientConnectFailed(_logger, _transportName, _slots[i].Endpoint, _slots[i].LastFailure);
                _slots[i].StartReconnecting();
            }
        }
    }

    /// <summary>
    /// Sends one request and returns the answer, which the caller must dispose. Each attempt waits at most
    /// <see cref="ClientTransportOptions.RequestTimeout"/>; the final failure is a <see cref="DkvException"/> naming the attempts made.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<IMemoryOwner<byte>> SendAsync(ulong shardId, ReadOnlyMemory<byte> request, bool idempotent, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (Interlocked.Increment(ref _inflight) > _options.MaxPendingRequests)
        {
            Interlocked.Decrement(ref _inflight);
            throw new DkvException(DkvErrorCode.Unavailable, $"{_options.MaxPendingRequests} requests are already in flight on this {_transportName} client (MaxPendingRequests); wait for some to finish or raise the limit");
        }

        try
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    FrameClientConnection connection = await NextConnectionAsync(shardId, cancellationToken).ConfigureAwait(false);
                    return await connection.SendAsync(shardId, request, cancellationToken).ConfigureAwait(false);
                }
                catch (DkvException ex) when (attempt < _options.MaxAttempts && IsRetryable(ex.Code, idempotent) && !IsDisposed)
                {
                    TimeSpan delay = Backoff.ForRetry(_options.RetryBaseDelay, attempt, _options.MaxReconnectDelay);
                    TransportLog.Retrying(_logger, shardId, attempt, _options.MaxAttempts, ex.Message, (long)delay.TotalMilliseconds);
                    await DelayAsync(delay, shardId, cancellationToken).ConfigureAwait(false);
                }
                catch (DkvException ex) when (attempt > 1)
                {
                    throw new DkvException(ex.Code, $"request to shard {shardId} failed after {attempt} attempts: {ex.Message}", ex);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inflight);
        }
    }

    /// <summary>Closes every connection; requests in flight fail at once with <see cref="DkvErrorCode.ConnectionLost"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        _connectedSignal.TrySetResult();
        foreach (ConnectionSlot slot in _slots)
        {
            await slot.DisposeAsync().ConfigureAwait(false);
        }

        _disposing.Dispose();
    }

    private bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    private static bool IsRetryable(DkvErrorCode code, bool idempotent) =>
        code == DkvErrorCode.Unavailable || (idempotent && code is DkvErrorCode.ConnectionLost or DkvErrorCode.Timeout);

    /// <summary>The next live connection in round-robin order; waits up to the request timeout for one to come back.</summary>
    private async ValueTask<FrameClientConnection> NextConnectionAsync(ulong shardId, CancellationToken cancellationToken)
    {
        if (TryPickLive(out FrameClientConnection? connection))
        {
            return connection;
        }

        if (Volatile.Read(ref _connected) == 0)
        {
            throw new InvalidOperationException($"the {_transportName} client transport is not connected; call ConnectAsync first");
        }

        long deadline = Environment.TickCount64 + (long)_options.RequestTimeout.TotalMilliseconds;
        while (!IsDisposed)
        {
            Task signal = Volatile.Read(ref _connectedSignal).Task;
            if (TryPickLive(out connection))
            {
                return connection;
            }

            long left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                break;
            }

            try
            {
                await signal.WaitAsync(TimeSpan.FromMilliseconds(left), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                break;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new DkvException(DkvErrorCode.Cancelled, $"request to shard {shardId} was cancelled while waiting for a connection");
            }
        }

        ThrowIfDisposed();
        throw new DkvException(DkvErrorCode.Unavailable, $"no live {_transportName} connection within {_options.RequestTimeout}: {DescribeFailures()}; the request to shard {shardId} was not sent");
    }

    private bool TryPickLive([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FrameClientConnection? connection)
    {
        int count = _slots.Length;
        long start = Interlocked.Increment(ref _nextSlot);
        for (int i = 0; i < count; i++)
        {
            if (_slots[(int)((ulong)(start + i) % (ulong)count)].TryGetLive(out FrameClientConnection live))
            {
                connection = live;
                return true;
            }
        }

        connection = null;
        return false;
    }

    private async ValueTask DelayAsync(TimeSpan delay, ulong shardId, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new DkvException(DkvErrorCode.Cancelled, $"request to shard {shardId} was cancelled while waiting to retry");
        }
    }

    private void SignalConnected() =>
        Interlocked.Exchange(ref _connectedSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private string DescribeFailures() =>
        string.Join("; ", _slots.GroupBy(s => s.Endpoint, StringComparer.Ordinal).Select(g => $"{g.Key} ({g.First().LastFailure})"));

    private void ThrowIfDisposed()
    {
        if (IsDisposed)
        {
            throw new DkvException(DkvErrorCode.Unavailable, $"the {_transportName} client transport was disposed; create a new one");
        }
    }
}
