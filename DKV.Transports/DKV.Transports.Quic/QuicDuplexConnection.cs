using System.IO.Pipelines;
using System.Net.Quic;
using System.Runtime.Versioning;
using DKV.Core.Transport;

namespace DKV.Transports.Quic;

/// <summary>
/// A client connection: one QUIC connection carrying one long-lived bidirectional stream, run by the shared
/// <see cref="StreamDuplexConnection"/>. Disposing closes the stream, then the QUIC connection.
/// </summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
[SupportedOSPlatform("windows")]
internal sealed class QuicDuplexConnection(QuicConnection connection, StreamDuplexConnection stream, TimeSpan closeTimeout) : IDuplexConnection
{
    public string RemoteEndpoint => stream.RemoteEndpoint;

    public PipeReader Input => stream.Input;

    public PipeWriter Output => stream.Output;

    public void Abort() => stream.Abort();

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync().ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(closeTimeout);
        try
        {
            await connection.CloseAsync(QuicErrorCodes.Closed, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is QuicException or OperationCanceledException or ObjectDisposedException)
        {
            // Already closed by the peer or the network; disposing below releases it either way.
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
