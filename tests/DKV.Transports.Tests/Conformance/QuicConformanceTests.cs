using DKV.Testing.Transports;
using DKV.Transports.Quic;

namespace DKV.Transports.Tests.Conformance;

/// <summary>
/// The transport conformance suite over quic on loopback (self-signed server certificate, client with --tls-insecure).
/// Reports itself skipped, with the reason, where libmsquic is missing — never passed.
/// </summary>
[TestFixture]
public sealed class QuicConformanceTests() : TransportConformanceTests(new QuicTransportFactory(new QuicTlsOptions { Insecure = true }), () => "127.0.0.1:0")
{
    protected override Task CheckSupportedAsync()
    {
        if (!QuicAvailability.IsSupported)
        {
            Assert.Ignore("libmsquic is not installed: " + QuicAvailability.MissingLibraryMessage);
        }

        return Task.CompletedTask;
    }
}
