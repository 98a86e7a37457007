using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DKV.Transports.ZeroMQ.Interop;

/// <summary>libzmq's opaque <c>zmq_msg_t</c>: 64 bytes, pointer-aligned. Only ever used on the stack of the I/O thread.</summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
internal struct ZmqMsg
{
    [InlineArray(8)]
    private struct Storage
    {
        private long _element;
    }

#pragma warning disable IDE0051, CS0169 // The storage is written by libzmq only.
    private Storage _storage;
#pragma warning restore IDE0051, CS0169
}
