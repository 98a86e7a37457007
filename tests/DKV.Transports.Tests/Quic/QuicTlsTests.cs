using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using DKV.Core.Errors;
using DKV.Transports.Quic;
using DKV.Transports.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.Transports.Tests.Quic;

/// <summary>The quic transport's TLS pieces, which work without libmsquic: certificates, client validation, options.</summary>
[TestFixture]
public sealed class QuicTlsTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "dkvq-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void ServerCertificate_NoneConfigured_IsSelfSignedForLocalhostWithAWarning()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));

        using X509Certificate2 certificate = QuicCertificates.LoadOrCreateServerCertificate(new QuicTlsOptions(), factory.CreateLogger("t"));

        Assert.Multiple(() =>
        {
            Assert.That(certificate.HasPrivateKey, Is.True);
            Assert.That(certificate.Subject, Is.EqualTo("CN=localhost"));
            Assert.That(certificate.MatchesHostname("localhost"), Is.True);
            Assert.That(certificate.NotAfter, Is.GreaterThan(DateTime.UtcNow.AddDays(300)));
            Assert.That(logs.Entries.Single(e => e.EventId.Id == 3350).Message, Does.Contain("self-signed").And.Contain("--tls-insecure"));
        });
    }

    [Test]
    public void ServerCertificate_FromPemFiles_IsLoadedWithItsKey()
    {
        using X509Certificate2 original = QuicCertificates.CreateSelfSigned("dkv.test", TimeSpan.FromDays(1));
        (string certPath, string keyPath) = WritePem(original, "server");

        using X509Certificate2 loaded = QuicCertificates.LoadOrCreateServerCertificate(new QuicTlsOptions { CertificatePath = certPath, KeyPath = keyPath }, NullLogger.Instance);

        Assert.That(loaded.Thumbprint, Is.EqualTo(original.Thumbprint));
        Assert.That(loaded.HasPrivateKey, Is.True);
    }

    [Test]
    public void ServerCertificate_KeyDoesNotMatch_ThrowsInvalidArgumentNamingBothFiles()
    {
        using X509Certificate2 one = QuicCertificates.CreateSelfSigned("one.test", TimeSpan.FromDays(1));
        using X509Certificate2 other = QuicCertificates.CreateSelfSigned("other.test", TimeSpan.FromDays(1));
        (string certPath, _) = WritePem(one, "one");
        (_, string otherKey) = WritePem(other, "other");

        var ex = Assert.Throws<DkvException>(() => QuicCertificates.LoadOrCreateServerCertificate(new QuicTlsOptions { CertificatePath = certPath, KeyPath = otherKey }, NullLogger.Instance));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain(certPath).And.Contain(otherKey));
    }

    [Test]
    public void Validation_CaFileTrustsTheCertificate_Accepts()
    {
        using X509Certificate2 server = QuicCertificates.CreateSelfSigned("localhost", TimeSpan.FromDays(1));
        (string caPath, _) = WritePem(server, "ca");
        RemoteCertificateValidationCallback callback = QuicCertificates.CreateValidation(new QuicTlsOptions { CaPath = caPath }, "localhost:1", NullLogger.Instance)!;

        bool trusted = callback(this, server, null, SslPolicyErrors.RemoteCertificateChainErrors);
        bool wrongName = callback(this, server, null, SslPolicyErrors.RemoteCertificateNameMismatch);

        Assert.That(trusted, Is.True, "chain errors against the system store do not matter with --tls-ca");
        Assert.That(wrongName, Is.False, "the name is still checked");
    }

    [Test]
    public void Validation_CertificateFromAnotherCa_IsRejected()
    {
        using X509Certificate2 server = QuicCertificates.CreateSelfSigned("localhost", TimeSpan.FromDays(1));
        using X509Certificate2 unrelated = QuicCertificates.CreateSelfSigned("ca.test", TimeSpan.FromDays(1));
        (string caPath, _) = WritePem(unrelated, "ca");
        RemoteCertificateValidationCallback callback = QuicCertificates.CreateValidation(new QuicTlsOptions { CaPath = caPath }, "localhost:1", NullLogger.Instance)!;

        Assert.That(callback(this, server, null, SslPolicyErrors.RemoteCertificateChainErrors), Is.False);
    }

    [Test]
    public void Validation_Insecure_AcceptsAnythingAndDefaultUsesTheSystemStore()
    {
        using X509Certificate2 server = QuicCertificates.CreateSelfSigned("localhost", TimeSpan.FromDays(1));

        RemoteCertificateValidationCallback? insecure = QuicCertificates.CreateValidation(new QuicTlsOptions { Insecure = true }, "x:1", NullLogger.Instance);
        RemoteCertificateValidationCallback? system = QuicCertificates.CreateValidation(new QuicTlsOptions(), "x:1", NullLogger.Instance);

        Assert.That(insecure!(this, server, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch), Is.True);
        Assert.That(system, Is.Null);
    }

    [Test]
    public void CaFile_WithoutCertificates_ThrowsInvalidArgument()
    {
        string path = Path.Combine(_folder, "empty.pem");
        File.WriteAllText(path, "not a certificate");

        var ex = Assert.Throws<DkvException>(() => QuicCertificates.LoadCaFile(path));

        Assert.That(ex!.Message, Does.Contain("--tls-ca").And.Contain(path));
    }

    [TestCase("/c.pem", null, "go together")]
    [TestCase(null, "/k.pem", "go together")]
    public void Options_CertificateWithoutKey_AreRejected(string? cert, string? key, string why)
    {
        var ex = Assert.Throws<ArgumentException>(() => new QuicTlsOptions { CertificatePath = cert, KeyPath = key }.Validate());

        Assert.That(ex!.Message, Does.Contain(why));
    }

    [Test]
    public void Options_FromConfigurationFlagNames_AreRead()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["tls-cert"] = "/etc/dkv/cert.pem",
            ["tls-key"] = "/etc/dkv/key.pem",
            ["tls-ca"] = "/etc/dkv/ca.pem",
            ["tls-server-name"] = "db.example",
        }).Build();

        QuicTlsOptions options = QuicTlsConfiguration.Read(configuration);

        Assert.That(options, Is.EqualTo(new QuicTlsOptions { CertificatePath = "/etc/dkv/cert.pem", KeyPath = "/etc/dkv/key.pem", CaPath = "/etc/dkv/ca.pem", ServerName = "db.example" }));
    }

    [TestCase("[::1]:8443", "::1", 8443)]
    [TestCase(":9000", "", 9000)]
    [TestCase("quic://db.example:4433", "db.example", 4433)]
    public void Endpoint_ValidSyntax_IsParsed(string endpoint, string host, int port)
    {
        Assert.That(QuicEndpoint.Parse(endpoint), Is.EqualTo((host, port)));
    }

    private (string CertPath, string KeyPath) WritePem(X509Certificate2 certificate, string name)
    {
        string certPath = Path.Combine(_folder, name + ".crt.pem");
        string keyPath = Path.Combine(_folder, name + ".key.pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        using var key = certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }
}
