using DKV.Testing.Transports;
using DKV.Transports.Sockets;

namespace DKV.Transports.Tests.Conformance;

/// <summary>The transport conformance suite over Unix domain sockets in a temporary folder.</summary>
[TestFixture]
public sealed class UnixConformanceTests : TransportConformanceTests
{
    private static readonly TempSocketFolder s_folder = new("dkvc-unix-");

    public UnixConformanceTests()
        : base(new UnixTransportFactory(), s_folder.NextSocketPath)
    {
    }

    [OneTimeTearDown]
    public void DeleteFolder() => s_folder.Dispose();
}
