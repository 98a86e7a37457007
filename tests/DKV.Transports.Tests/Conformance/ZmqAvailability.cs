using DKV.Core.Errors;
using DKV.Transports.ZeroMQ;

namespace DKV.Transports.Tests.Conformance;

/// <summary>Skips (never passes) zmq fixtures on a machine without libzmq, with the transport's own message as the reason.</summary>
public static class ZmqAvailability
{
    public static void IgnoreUnlessLoadable()
    {
        try
        {
            _ = ZmqTransportFactory.LibraryVersion;
        }
        catch (DkvException ex)
        {
            Assert.Ignore(ex.Message);
        }
    }
}
