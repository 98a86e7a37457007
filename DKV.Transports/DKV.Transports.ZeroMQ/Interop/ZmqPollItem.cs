using System.Runtime.InteropServices;

namespace DKV.Transports.ZeroMQ.Interop;

/// <summary>libzmq's <c>zmq_pollitem_t</c> on POSIX: socket pointer, file descriptor, requested and returned events.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ZmqPollItem
{
    public IntPtr Socket;
    public int FileDescriptor;
    public short Events;
    public short ReturnedEvents;
}
