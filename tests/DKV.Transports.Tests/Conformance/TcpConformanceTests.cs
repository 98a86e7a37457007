using DKV.Testing.Transports;
using DKV.Transports.Sockets;

namespace DKV.Transports.Tests.Conformance;

/// <summary>The transport conformance suite over tcp on loopback.</summary>
[TestFixture]
public sealed class TcpConformanceTests() : TransportConformanceTests(new TcpTransportFactory(), () => "127.0.0.1:0");
