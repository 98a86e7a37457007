using DKV.Core.Errors;
using DKV.Transports.ZeroMQ;

namespace DKV.Transports.Tests.ZeroMQ;

/// <summary>zmq endpoint syntax: tcp://, bare host:port, :port, [v6]:port, ipc://.</summary>
[TestFixture]
public sealed class ZmqEndpointTests
{
    [TestCase("tcp://10.0.0.1:9000", true, "tcp://10.0.0.1:9000")]
    [TestCase("127.0.0.1:9000", false, "tcp://127.0.0.1:9000")]
    [TestCase(":9000", true, "tcp://*:9000")]
    [TestCase(":9000", false, "tcp://127.0.0.1:9000")]
    [TestCase("127.0.0.1:0", true, "tcp://127.0.0.1:*")]
    [TestCase("[::1]:9000", false, "tcp://[::1]:9000")]
    [TestCase("ipc:///tmp/dkv.sock", true, "ipc:///tmp/dkv.sock")]
    public void ToAddress_ValidEndpoint_MapsToLibzmqAddress(string endpoint, bool server, string expected)
    {
        Assert.That(ZmqEndpoint.ToAddress(endpoint, server, out _), Is.EqualTo(expected));
    }

    [TestCase("localhost", "no ':port'")]
    [TestCase("inproc://x", "tcp:// and ipc://")]
    [TestCase("::1:9000", "brackets")]
    [TestCase("host:70000", "0 to 65535")]
    [TestCase("ipc://", "empty")]
    public void ToAddress_InvalidEndpoint_ThrowsInvalidArgumentSayingWhy(string endpoint, string why)
    {
        var ex = Assert.Throws<DkvException>(() => ZmqEndpoint.ToAddress(endpoint, server: true, out _));

        Assert.That(ex!.Code, Is.EqualTo(DkvErrorCode.InvalidArgument));
        Assert.That(ex.Message, Does.Contain(endpoint).And.Contain(why));
    }

    [Test]
    public void ToAddress_ClientWithPortZero_IsRefused()
    {
        var ex = Assert.Throws<DkvException>(() => ZmqEndpoint.ToAddress("127.0.0.1:0", server: false, out _));

        Assert.That(ex!.Message, Does.Contain("real port"));
    }

    [TestCase("127.0.0.1:0", "tcp://127.0.0.1:41000", "127.0.0.1:41000")]
    [TestCase("tcp://127.0.0.1:0", "tcp://127.0.0.1:41000", "tcp://127.0.0.1:41000")]
    [TestCase("ipc:///tmp/x", "ipc:///tmp/x", "ipc:///tmp/x")]
    public void ToBoundEndpoint_KeepsTheConfiguredSyntax(string configured, string last, string expected)
    {
        Assert.That(ZmqEndpoint.ToBoundEndpoint(configured, last), Is.EqualTo(expected));
    }
}
