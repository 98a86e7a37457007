using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace DKV.Plugins.Resp;

/// <summary>
/// One client connection: reads commands with a <see cref="PipeReader"/>, runs them one after another and writes the replies in
/// order; the replies to a pipelined batch are flushed together. A protocol error is answered with <c>-ERR Protocol error</c>
/// and closes only this connection.
/// </summary>
internal sealed class RespConnection
{
    /// <summary>Replies buffered beyond this are flushed mid-batch, so a long pipeline does not hold all its replies in memory.</summary>
    private const long FlushThresholdBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly RespCommands _commands;
    private readonly RespParser _parser;
    private readonly long _maxCommandBytes;
    private readonly ILogger _logger;

    public RespConnection(Socket socket, RespCommands commands, RespParser parser, long maxCommandBytes, ILogger logger)
    {
        _socket = socket;
        _commands = commands;
        _parser = parser;
        _maxCommandBytes = maxCommandBytes;
        _logger = logger;
    }

    /// <summary>Closes the socket; the running loop then ends.</summary>
    public void Close() => _socket.Dispose();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var stream = new NetworkStream(_socket, ownsSocket: true);
        var reader = PipeReader.Create(stream);
        var writer = PipeWriter.Create(stream);
        _commands.ClientConnected(true);
        try
        {
            await ServeAsync(reader, writer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or the server is stopping: nothing to answer.
        }
        catch (RespProtocolException ex)
        {
            _logger.LogDebug("RESP connection from {Remote} closed: {Reason}", SafeRemote(), ex.Message);
        }
        finally
        {
            _commands.ClientConnected(false);
            await reader.CompleteAsync().ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(PipeReader reader, PipeWriter writer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            bool keepOpen = true;
            try
            {
                while (keepOpen && _parser.TryParse(buffer, out var args, out var consumed))
                {
                    buffer = buffer.Slice(consumed);
                    keepOpen = await _commands.ExecuteAsync(args, writer, cancellationToken).ConfigureAwait(false);
                    if (writer.CanGetUnflushedBytes && writer.UnflushedBytes >= FlushThresholdBytes)
                    {
                        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                if (keepOpen && buffer.Length > _maxCommandBytes)
                {
                    throw new RespProtocolException($"a command is still arriving after {buffer.Length} bytes, over resp-max-command-bytes {_maxCommandBytes}");
                }
            }
            catch (RespProtocolException ex)
            {
                RespWriter.Error(writer, $"ERR Protocol error: {ex.Message}");
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                throw;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (!keepOpen || read.IsCompleted)
            {
                return;
            }
        }
    }

    private string SafeRemote()
    {
        try
        {
            return _socket.RemoteEndPoint?.ToString() ?? "?";
        }
        catch (ObjectDisposedException)
        {
            return "?";
        }
    }
}
