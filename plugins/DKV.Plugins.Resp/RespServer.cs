using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DKV.Core.Errors;
using DKV.Core.Plugins;
using Microsoft.Extensions.Logging;

namespace DKV.Plugins.Resp;

/// <summary>
/// The RESP2 front end as a server extension: when <c>resp-endpoint</c> is set it listens there and serves the store shard
/// <c>resp-shard</c> (default 100); otherwise it does nothing. Each connection runs on its own task.
/// </summary>
/// <remarks>The host calls <see cref="StartAsync"/> once and <see cref="StopAsync"/> at most once.</remarks>
public sealed class RespServer : IServerExtension, IAsyncDisposable
{
    private readonly ConcurrentDictionary<RespConnection, byte> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>The endpoint bound (port 0 resolved), or null when the front end is off.</summary>
    public IPEndPoint? BoundEndpoint { get; private set; }

    public Task StartAsync(IServerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = RespOptions.FromSettings(context.Settings);
        if (options.Endpoint is null)
        {
            return Task.CompletedTask;
        }

        var store = context.GetStore(options.ShardId)
            ?? throw new DkvException(DkvErrorCode.InvalidArgument,
                $"plugin setting {RespOptions.ShardKey}={options.ShardId} names no store shard; this server's shards are {string.Join(", ", context.ShardIds)}");
        _logger = context.LoggerFactory.CreateLogger<RespServer>();
        var commands = new RespCommands(store, options.ShardId, context.Time);
        var listener = new Socket(options.Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(options.Endpoint);
            listener.Listen(512);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new DkvException(DkvErrorCode.InvalidArgument,
                $"RESP front end cannot listen on {options.Endpoint} ({ex.SocketErrorCode}); choose another {RespOptions.EndpointKey}", ex);
        }

        _listener = listener;
        BoundEndpoint = (IPEndPoint)listener.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync(listener, commands, new RespParser(options.MaxArgs, options.MaxBulkBytes), options.MaxCommandBytes);
        _logger.LogInformation("RESP front end listening on {Endpoint}, serving shard {Shard}", BoundEndpoint, options.ShardId);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        foreach (var connection in _connections.Keys)
        {
            connection.Close();
        }

        await _acceptLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, RespCommands commands, RespParser parser, long maxCommandBytes)
    {
        var running = new List<Task>();
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                break;
            }

            socket.NoDelay = true;
            var connection = new RespConnection(socket, commands, parser, maxCommandBytes, _logger);
            _connections[connection] = 0;
            running.RemoveAll(t => t.IsCompleted);
            running.Add(RunConnectionAsync(connection));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task RunConnectionAsync(RespConnection connection)
    {
        try
        {
            await connection.RunAsync(_stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
        }
    }
}
