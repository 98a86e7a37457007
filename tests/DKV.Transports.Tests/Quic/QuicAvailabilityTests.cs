using DKV.Core.Errors;
using DKV.Core.Transport;
using DKV.Transports.Quic;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.Transports.Tests.Quic;

/// <summary>Selecting quic where libmsquic is missing fails at once, saying what is missing and how to get it.</summary>
[TestFixture]
public sealed class QuicAvailabilityTests
{
    [SetUp]
    public void RequireMissingMsQuic()
    {
        if (QuicAvailability.IsSupported)
        {
            Assert.Ignore("libmsquic is installed here, so the missing-library path cannot be observed");
        }
    }

    [Test]
    public void CreateServer_LibmsquicMissing_ThrowsUnavailableNamingTheLibraryAndTheFix()
    {
        var factory = new QuicTransportFactory();

        var ex = Assert.Throws<DkvException>(() => factory.CreateServer(new ServerTransportOptions { Endpoint = "127.0.0.1:0" }, NullLoggerFactory.Instance));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
        Assert.That(ex.Message, Does.Contain("libmsquic").And.Contain("apt-get install libmsquic").And.Contain("--transport"));
    }

    [Test]
    public void CreateClient_LibmsquicMissing_ThrowsUnavailableBeforeAnyConnect()
    {
        var factory = new QuicTransportFactory(new QuicTlsOptions { Insecure = true });

        var ex = Assert.Throws<DkvException>(() => factory.CreateClient(new ClientTransportOptions { Endpoints = ["127.0.0.1:1"] }, NullLoggerFactory.Instance));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.Unavailable));
        Assert.That(ex.Message, Does.Contain("MsQuic"));
    }

    [Test]
    public void EnsureSupported_LibmsquicMissing_ThrowsTheSameMessage()
    {
        var ex = Assert.Throws<DkvException>(QuicAvailability.EnsureSupported);

        Assert.That(ex!.Message, Is.EqualTo(QuicAvailability.MissingLibraryMessage));
    }
}
