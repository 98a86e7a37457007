namespace DKV.Transports.Quic;

/// <summary>
/// TLS settings of the quic transport (TLS 1.3 is mandatory in QUIC; the ALPN protocol is always <see cref="ApplicationProtocol"/>).
/// Flag names, bound by the host: <c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-ca</c>, <c>--tls-insecure</c>, <c>--tls-server-name</c>.
/// </summary>
public sealed record QuicTlsOptions
{
    /// <summary>The ALPN protocol id both sides announce.</summary>
    public const string ApplicationProtocol = "dkv";

    /// <summary>Server: PEM certificate (chain) file (<c>--tls-cert</c>). Without it a self-signed certificate is generated at start, with a warning.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>Server: PEM private key file for <see cref="CertificatePath"/> (<c>--tls-key</c>); required with it.</summary>
    public string? KeyPath { get; init; }

    /// <summary>Client: PEM file of the CA certificate(s) to trust instead of the system store (<c>--tls-ca</c>).</summary>
    public string? CaPath { get; init; }

    /// <summary>Client: accept any server certificate (<c>--tls-insecure</c>). For tests and local use only; logged as a warning.</summary>
    public bool Insecure { get; init; }

    /// <summary>Client: the name the server certificate must carry; default: the endpoint's host (<c>--tls-server-name</c>).</summary>
    public string? ServerName { get; init; }

    /// <summary>How long a QUIC connection may stay idle before it is closed (keep-alive frames are sent at a third of this).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Server: bidirectional streams one client connection may have open.</summary>
    public int MaxStreamsPerConnection { get; init; } = 16;

    public void Validate()
    {
        if ((CertificatePath is null) != (KeyPath is null))
        {
            throw new ArgumentException($"--tls-cert and --tls-key go together (got cert '{CertificatePath}', key '{KeyPath}')");
        }

        if (Insecure && CaPath is not null)
        {
            throw new ArgumentException("--tls-insecure and --tls-ca contradict each other; use one");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(IdleTimeout, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStreamsPerConnection, 1);
    }
}
