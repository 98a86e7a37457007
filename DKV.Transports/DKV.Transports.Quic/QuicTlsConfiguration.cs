using Microsoft.Extensions.Configuration;

namespace DKV.Transports.Quic;

/// <summary>Reads <see cref="QuicTlsOptions"/> from configuration keys named like the flags.</summary>
public static class QuicTlsConfiguration
{
    public const string CertificateKey = "tls-cert";
    public const string KeyKey = "tls-key";
    public const string CaKey = "tls-ca";
    public const string InsecureKey = "tls-insecure";
    public const string ServerNameKey = "tls-server-name";

    /// <summary>The options in <paramref name="configuration"/>; defaults where a key is absent or the configuration is null.</summary>
    public static QuicTlsOptions Read(IConfiguration? configuration)
    {
        if (configuration is null)
        {
            return new QuicTlsOptions();
        }

        string? insecure = configuration[InsecureKey];
        return new QuicTlsOptions
        {
            CertificatePath = Blank(configuration[CertificateKey]),
            KeyPath = Blank(configuration[KeyKey]),
            CaPath = Blank(configuration[CaKey]),
            ServerName = Blank(configuration[ServerNameKey]),
            Insecure = insecure switch
            {
                null => false,
                "" => true,
                _ => bool.TryParse(insecure, out bool value) ? value : throw new ArgumentException($"{InsecureKey} '{insecure}' is neither true nor false"),
            },
        };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
