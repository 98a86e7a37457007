using System.Runtime.InteropServices;

namespace DKV.Transports.ZeroMQ.Interop;

/// <summary>
/// Owns a libzmq context (<c>zmq_ctx_new</c>). Release calls <c>zmq_ctx_term</c>, which waits until every socket of the context
/// is closed; each <see cref="ZmqSocketHandle"/> holds a reference on its context, so the context is released only after its
/// last socket. Sockets are created with linger bounded, so termination never waits for long.
/// </summary>
internal sealed class ZmqContextHandle : SafeHandle
{
    public ZmqContextHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        while (Libzmq.CtxTerm(handle) != 0)
        {
            if (Libzmq.Errno() != Libzmq.EINTR)
            {
                return false;
            }
        }

        return true;
    }
}
