using System.Runtime.InteropServices;

namespace DKV.Transports.ZeroMQ.Interop;

/// <summary>
/// Owns one libzmq socket (<c>zmq_socket</c>/<c>zmq_close</c>) and a reference on its <see cref="ZmqContextHandle"/>.
/// libzmq sockets are not thread-safe: each is used by one I/O thread only (created, polled and disposed there).
/// </summary>
internal sealed class ZmqSocketHandle : SafeHandle
{
    private ZmqContextHandle? _context;

    public ZmqSocketHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Creates a socket of <paramref name="type"/> in <paramref name="context"/>; throws <see cref="ZmqException"/> on failure.</summary>
    public static ZmqSocketHandle Create(ZmqContextHandle context, int type)
    {
        ArgumentNullException.ThrowIfNull(context);
        var socket = new ZmqSocketHandle();
        bool added = false;
        context.DangerousAddRef(ref added);
        IntPtr raw = Libzmq.Socket(context, type);
        if (raw == IntPtr.Zero)
        {
            int errno = Libzmq.Errno();
            context.DangerousRelease();
            throw new ZmqException("zmq_socket", errno);
        }

        socket.SetHandle(raw);
        socket._context = context;
        return socket;
    }

    protected override bool ReleaseHandle()
    {
        bool closed = Libzmq.Close(handle) == 0;
        _context?.DangerousRelease();
        _context = null;
        return closed;
    }
}
