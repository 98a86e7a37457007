using Microsoft.Extensions.Logging;

namespace DKV.Transports.Quic;

/// <summary>Source-generated log messages of the quic transport. Event ids 3350-3399.</summary>
internal static partial class QuicLog
{
    [LoggerMessage(3350, LogLevel.Warning, "quic: no --tls-cert/--tls-key given; using a self-signed certificate for {Subject} (thumbprint {Thumbprint}) generated at start. Clients must use --tls-insecure or trust it explicitly; configure a real certificate for production")]
    public static partial void SelfSignedCertificate(ILogger logger, string subject, string thumbprint);

    [LoggerMessage(3351, LogLevel.Warning, "quic: --tls-insecure: the server certificate of {Endpoint} is not validated")]
    public static partial void InsecureClient(ILogger logger, string endpoint);

    [LoggerMessage(3352, LogLevel.Information, "quic: listening on {Endpoint} (ALPN dkv)")]
    public static partial void Listening(ILogger logger, string endpoint);

    [LoggerMessage(3353, LogLevel.Warning, "quic: connection from {Remote} ended: {Reason}")]
    public static partial void ConnectionEnded(ILogger logger, string remote, string reason);
}
