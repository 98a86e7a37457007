using DKV.Testing.Transports;
using DKV.Transports.ZeroMQ;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.Tests.Conformance;

/// <summary>The transport conformance suite over zmq with ipc:// endpoints in a temporary folder.</summary>
[TestFixture]
public sealed class ZmqIpcConformanceTests : TransportConformanceTests
{
    private static readonly TempSocketFolder s_folder = new("dkvc-zmq-");

    public ZmqIpcConformanceTests()
        : base(new ZmqTransportFactory(), () => "ipc://" + s_folder.NextSocketPath())
    {
    }

    [OneTimeTearDown]
    public void DeleteFolder() => s_folder.Dispose();

    private static readonly ConformanceLogs s_logs = new();

    protected override ILoggerFactory LoggerFactory => s_logs.Factory;

    [TearDown]
    public void DumpLogs() => s_logs.DumpIfFailedAndReset();

    protected override Task CheckSupportedAsync()
    {
        ZmqAvailability.IgnoreUnlessLoadable();
        return Task.CompletedTask;
    }
}
