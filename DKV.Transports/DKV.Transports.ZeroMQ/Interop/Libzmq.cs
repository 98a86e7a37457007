using System.Runtime.InteropServices;

namespace DKV.Transports.ZeroMQ.Interop;

/// <summary>
/// The few libzmq 4.x entry points this transport uses (stable API only; the Debian build has no draft API).
/// Handles are <see cref="ZmqContextHandle"/> and <see cref="ZmqSocketHandle"/>; raw pointers never leave this folder.
/// </summary>
internal static unsafe partial class Libzmq
{
    /// <summary>The name the resolver in <see cref="ZmqNative"/> maps to <c>libzmq.so.5</c> (or the platform's equivalent).</summary>
    public const string LibraryName = "libzmq";

    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int EHOSTUNREACH = 113;
    public const int ETERM = 156384765;

    public const int ZMQ_PAIR = 0;
    public const int ZMQ_DEALER = 5;
    public const int ZMQ_ROUTER = 6;

    public const int ZMQ_DONTWAIT = 1;
    public const int ZMQ_SNDMORE = 2;

    public const short ZMQ_POLLIN = 1;
    public const short ZMQ_POLLOUT = 2;

    public const int ZMQ_LAST_ENDPOINT = 32;
    public const int ZMQ_ROUTER_MANDATORY = 33;
    public const int ZMQ_LINGER = 17;
    public const int ZMQ_RECONNECT_IVL = 18;
    public const int ZMQ_SNDHWM = 23;
    public const int ZMQ_RCVHWM = 24;
    public const int ZMQ_MAXMSGSIZE = 22;
    public const int ZMQ_IMMEDIATE = 39;
    public const int ZMQ_TCP_KEEPALIVE = 34;
    public const int ZMQ_TCP_KEEPALIVE_IDLE = 36;
    public const int ZMQ_HEARTBEAT_IVL = 75;
    public const int ZMQ_HEARTBEAT_TIMEOUT = 77;
    public const int ZMQ_HANDSHAKE_IVL = 66;
    public const int ZMQ_SNDBUF = 11;
    public const int ZMQ_RCVBUF = 12;

    public const int ZMQ_MORE = 1;
    public const int ZMQ_SRCFD = 2;

    public const int ZMQ_EVENT_CONNECTED = 0x0001;
    public const int ZMQ_EVENT_CONNECT_RETRIED = 0x0004;
    public const int ZMQ_EVENT_ACCEPTED = 0x0020;
    public const int ZMQ_EVENT_CLOSED = 0x0080;
    public const int ZMQ_EVENT_DISCONNECTED = 0x0200;
    public const int ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL = 0x0800;
    public const int ZMQ_EVENT_HANDSHAKE_SUCCEEDED = 0x1000;
    public const int ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL = 0x2000;
    public const int ZMQ_EVENT_HANDSHAKE_FAILED_AUTH = 0x4000;

    [LibraryImport(LibraryName, EntryPoint = "zmq_version")]
    public static partial void Version(out int major, out int minor, out int patch);

    [LibraryImport(LibraryName, EntryPoint = "zmq_errno")]
    public static partial int Errno();

    [LibraryImport(LibraryName, EntryPoint = "zmq_strerror")]
    public static partial byte* StrError(int errnum);

    [LibraryImport(LibraryName, EntryPoint = "zmq_ctx_new")]
    public static partial ZmqContextHandle CtxNew();

    [LibraryImport(LibraryName, EntryPoint = "zmq_ctx_term")]
    public static partial int CtxTerm(IntPtr context);

    [LibraryImport(LibraryName, EntryPoint = "zmq_socket")]
    public static partial IntPtr Socket(ZmqContextHandle context, int type);

    [LibraryImport(LibraryName, EntryPoint = "zmq_close")]
    public static partial int Close(IntPtr socket);

    [LibraryImport(LibraryName, EntryPoint = "zmq_setsockopt")]
    public static partial int SetSockOpt(ZmqSocketHandle socket, int option, void* value, nuint length);

    [LibraryImport(LibraryName, EntryPoint = "zmq_getsockopt")]
    public static partial int GetSockOpt(ZmqSocketHandle socket, int option, void* value, nuint* length);

    [LibraryImport(LibraryName, EntryPoint = "zmq_bind", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Bind(ZmqSocketHandle socket, string endpoint);

    [LibraryImport(LibraryName, EntryPoint = "zmq_unbind", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unbind(ZmqSocketHandle socket, string endpoint);

    [LibraryImport(LibraryName, EntryPoint = "zmq_connect", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Connect(ZmqSocketHandle socket, string endpoint);

    [LibraryImport(LibraryName, EntryPoint = "zmq_socket_monitor", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SocketMonitor(ZmqSocketHandle socket, string? address, int events);

    [LibraryImport(LibraryName, EntryPoint = "zmq_send")]
    public static partial int Send(ZmqSocketHandle socket, byte* buffer, nuint length, int flags);

    [LibraryImport(LibraryName, EntryPoint = "zmq_msg_init")]
    public static partial int MsgInit(ZmqMsg* message);

    [LibraryImport(LibraryName, EntryPoint = "zmq_msg_recv")]
    public static partial int MsgRecv(ZmqMsg* message, ZmqSocketHandle socket, int flags);

    [LibraryImport(LibraryName, EntryPoint = "zmq_msg_data")]
    public static partial byte* MsgData(ZmqMsg* message);

    [LibraryImport(LibraryName, EntryPoint = "zmq_msg_size")]
    public static partial nuint MsgSize(ZmqMsg* message);

    [LibraryImport(LibraryName, EntryPoint = "zmq_msg_get")]
    public static partial int MsgGet(ZmqMsg* message, int property);

    [LibraryImport(LibraryName, EntryPoint = "zmq_msg_close")]
    public static partial int MsgClose(ZmqMsg* message);

    [LibraryImport(LibraryName, EntryPoint = "zmq_poll")]
    public static partial int Poll(ZmqPollItem* items, int count, long timeoutMilliseconds);
}
