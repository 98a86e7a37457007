using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DKV.Core.Errors;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.Quic;

/// <summary>The server certificate (PEM files or a self-signed one) and the client's certificate validation.</summary>
internal static class QuicCertificates
{
    /// <summary>Loads <c>--tls-cert</c>/<c>--tls-key</c>, or generates a self-signed certificate for localhost with a warning.</summary>
    public static X509Certificate2 LoadOrCreateServerCertificate(QuicTlsOptions tls, ILogger logger)
    {
        if (tls.CertificatePath is not null && tls.KeyPath is not null)
        {
            return LoadPem(tls.CertificatePath, tls.KeyPath);
        }

        X509Certificate2 generated = CreateSelfSigned("localhost", TimeSpan.FromDays(365));
        QuicLog.SelfSignedCertificate(logger, generated.Subject, generated.Thumbprint);
        return generated;
    }

    /// <summary>A self-signed ECDSA P-256 server certificate for <paramref name="host"/>, 127.0.0.1 and ::1.</summary>
    public static X509Certificate2 CreateSelfSigned(string host, TimeSpan validity)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 created = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(validity));
        // Round-trip through PKCS#12 so the private key is usable by the native TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>
    /// The client's validation: none with <see cref="QuicTlsOptions.Insecure"/>, a custom root store with <see cref="QuicTlsOptions.CaPath"/>,
    /// otherwise null (the system's trust store and the default name check).
    /// </summary>
    public static RemoteCertificateValidationCallback? CreateValidation(QuicTlsOptions tls, string endpoint, ILogger logger)
    {
        if (tls.Insecure)
        {
            QuicLog.InsecureClient(logger, endpoint);
            return static (_, _, _, _) => true;
        }

        if (tls.CaPath is null)
        {
            return null;
        }

        X509Certificate2Collection roots = LoadCaFile(tls.CaPath);
        return (_, certificate, _, errors) => IsTrusted(certificate, errors, roots);
    }

    /// <summary>True when <paramref name="certificate"/> chains to one of <paramref name="roots"/> and its name matched.</summary>
    public static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        using X509Certificate2 leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    public static X509Certificate2Collection LoadCaFile(string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"--tls-ca '{path}' could not be read as PEM certificates: {ex.Message}", ex);
        }

        if (roots.Count == 0)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"--tls-ca '{path}' holds no PEM certificate (expected -----BEGIN CERTIFICATE----- blocks)");
        }

        return roots;
    }

    private static X509Certificate2 LoadPem(string certificatePath, string keyPath)
    {
        try
        {
            using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"cannot load the server certificate from --tls-cert '{certificatePath}' and --tls-key '{keyPath}': {ex.Message}; both must be PEM files and the key must match the certificate", ex);
        }
    }
}
