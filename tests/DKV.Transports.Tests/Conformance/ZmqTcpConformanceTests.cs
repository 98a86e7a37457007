using DKV.Testing.Transports;
using DKV.Transports.ZeroMQ;
using Microsoft.Extensions.Logging;

namespace DKV.Transports.Tests.Conformance;

/// <summary>The transport conformance suite over zmq with tcp:// endpoints. Skipped, with the reason, where libzmq is missing.</summary>
[TestFixture]
public sealed class ZmqTcpConformanceTests() : TransportConformanceTests(new ZmqTransportFactory(), () => "tcp://127.0.0.1:0")
{
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
