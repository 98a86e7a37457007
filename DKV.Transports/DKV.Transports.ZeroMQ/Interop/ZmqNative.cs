using System.Buffers;
using System.Reflection;
using System.Runtime.InteropServices;
using DKV.Core.Errors;

namespace DKV.Transports.ZeroMQ.Interop;

/// <summary>
/// Loads libzmq and wraps the calls the transport makes. Every method that takes a socket must run on the socket's I/O thread.
/// </summary>
internal static unsafe class ZmqNative
{
    /// <summary>File names tried, in order, when loading libzmq (the Debian runtime package ships only the versioned name).</summary>
    public static readonly string[] CandidateNames = ["libzmq.so.5", "libzmq.so", "libzmq.5.dylib", "libzmq.dylib", "libzmq.dll", "libzmq"];

    private static readonly Lazy<string?> s_loadFailure = new(Load);
    private static IntPtr s_library;

    /// <summary>
    /// Throws <see cref="DkvException"/> (<see cref="DkvErrorCode.Unavailable"/>) naming the package to install when libzmq cannot be
    /// loaded. Thread-safe; the load is attempted once per process.
    /// </summary>
    public static void EnsureAvailable()
    {
        string? failure = s_loadFailure.Value;
        if (failure is not null)
        {
            throw new DkvException(DkvErrorCode.Unavailable, MissingLibraryMessage(failure));
        }
    }

    /// <summary>The message for a missing libzmq; names what was tried and how to install it.</summary>
    public static string MissingLibraryMessage(string detail) =>
        $"the zmq transport needs the native ZeroMQ library libzmq (4.x), which could not be loaded ({detail}); " +
        "install it with 'apt-get install libzmq5' (Debian/Ubuntu), 'dnf install zeromq' (Fedora) or 'brew install zeromq' (macOS), or choose another --transport (tcp, unix)";

    /// <summary>Tries <paramref name="names"/> in order; returns null on success or a description of every failure. For tests.</summary>
    public static string? TryLoadAny(IReadOnlyList<string> names, out IntPtr library)
    {
        var failures = new List<string>();
        foreach (string name in names)
        {
            if (NativeLibrary.TryLoad(name, typeof(ZmqNative).Assembly, DllImportSearchPath.SafeDirectories, out library))
            {
                return null;
            }

            failures.Add(name);
        }

        library = IntPtr.Zero;
        return "tried " + string.Join(", ", failures);
    }

    /// <summary>libzmq's version as <c>major.minor.patch</c>.</summary>
    public static Version LibraryVersion()
    {
        EnsureAvailable();
        Libzmq.Version(out int major, out int minor, out int patch);
        return new Version(major, minor, patch);
    }

    public static string ErrorText(int errno)
    {
        byte* text = Libzmq.StrError(errno);
        return text == null ? $"error {errno}" : Marshal.PtrToStringUTF8((IntPtr)text) ?? $"error {errno}";
    }

    public static ZmqContextHandle CreateContext()
    {
        EnsureAvailable();
        ZmqContextHandle context = Libzmq.CtxNew();
        if (context.IsInvalid)
        {
            int errno = Libzmq.Errno();
            context.Dispose();
            throw new ZmqException("zmq_ctx_new", errno);
        }

        return context;
    }

    public static void SetInt(ZmqSocketHandle socket, int option, int value)
    {
        if (Libzmq.SetSockOpt(socket, option, &value, sizeof(int)) != 0)
        {
            throw new ZmqException($"zmq_setsockopt({option})", Libzmq.Errno());
        }
    }

    public static void SetLong(ZmqSocketHandle socket, int option, long value)
    {
        if (Libzmq.SetSockOpt(socket, option, &value, sizeof(long)) != 0)
        {
            throw new ZmqException($"zmq_setsockopt({option})", Libzmq.Errno());
        }
    }

    public static int GetInt(ZmqSocketHandle socket, int option)
    {
        int value = 0;
        nuint length = sizeof(int);
        if (Libzmq.GetSockOpt(socket, option, &value, &length) != 0)
        {
            throw new ZmqException($"zmq_getsockopt({option})", Libzmq.Errno());
        }

        return value;
    }

    /// <summary>The endpoint a socket last bound (with the port chosen for <c>tcp://host:0</c> or <c>:*</c>).</summary>
    public static string LastEndpoint(ZmqSocketHandle socket)
    {
        byte* buffer = stackalloc byte[1024];
        nuint length = 1024;
        if (Libzmq.GetSockOpt(socket, Libzmq.ZMQ_LAST_ENDPOINT, buffer, &length) != 0)
        {
            throw new ZmqException("zmq_getsockopt(ZMQ_LAST_ENDPOINT)", Libzmq.Errno());
        }

        return Marshal.PtrToStringUTF8((IntPtr)buffer) ?? string.Empty;
    }

    public static void Bind(ZmqSocketHandle socket, string endpoint)
    {
        if (Libzmq.Bind(socket, endpoint) != 0)
        {
            throw new ZmqException($"zmq_bind({endpoint})", Libzmq.Errno());
        }
    }

    public static void Connect(ZmqSocketHandle socket, string endpoint)
    {
        if (Libzmq.Connect(socket, endpoint) != 0)
        {
            throw new ZmqException($"zmq_connect({endpoint})", Libzmq.Errno());
        }
    }

    public static void Monitor(ZmqSocketHandle socket, string address, int events)
    {
        if (Libzmq.SocketMonitor(socket, address, events) != 0)
        {
            throw new ZmqException($"zmq_socket_monitor({address})", Libzmq.Errno());
        }
    }

    /// <summary>
    /// Stops monitoring <paramref name="socket"/>. Must precede closing a monitored socket and its monitor PAIR: libzmq sends
    /// monitor events with a blocking send, so an event for a monitor whose reader is gone would stall libzmq's own I/O thread.
    /// </summary>
    public static void StopMonitor(ZmqSocketHandle socket)
    {
        if (!socket.IsClosed)
        {
            Libzmq.SocketMonitor(socket, null, 0);
        }
    }

    /// <summary>Sends one part without blocking. Returns 0 when queued, or the errno (EAGAIN: full; EHOSTUNREACH: unknown peer).</summary>
    public static int TrySend(ZmqSocketHandle socket, ReadOnlySpan<byte> data, bool more)
    {
        int flags = Libzmq.ZMQ_DONTWAIT | (more ? Libzmq.ZMQ_SNDMORE : 0);
        fixed (byte* pointer = data)
        {
            byte dummy = 0;
            byte* buffer = pointer == null ? &dummy : pointer;
            return Libzmq.Send(socket, buffer, (nuint)data.Length, flags) >= 0 ? 0 : Libzmq.Errno();
        }
    }

    /// <summary>
    /// Receives one part without blocking into an array rented from <see cref="ArrayPool{T}.Shared"/> (empty parts get an empty array).
    /// Returns false when nothing is waiting. <paramref name="sourceFd"/> is the file descriptor the part came in on (-1 if unknown).
    /// </summary>
    public static bool TryReceive(ZmqSocketHandle socket, out byte[] data, out int length, out bool more, out int sourceFd)
    {
        ZmqMsg message;
        Libzmq.MsgInit(&message);
        try
        {
            if (Libzmq.MsgRecv(&message, socket, Libzmq.ZMQ_DONTWAIT) < 0)
            {
                int errno = Libzmq.Errno();
                if (errno is Libzmq.EAGAIN or Libzmq.EINTR)
                {
                    data = [];
                    length = 0;
                    more = false;
                    sourceFd = -1;
                    return false;
                }

                throw new ZmqException("zmq_msg_recv", errno);
            }

            length = checked((int)Libzmq.MsgSize(&message));
            data = length == 0 ? [] : ArrayPool<byte>.Shared.Rent(length);
            new ReadOnlySpan<byte>(Libzmq.MsgData(&message), length).CopyTo(data);
            more = Libzmq.MsgGet(&message, Libzmq.ZMQ_MORE) == 1;
            sourceFd = Libzmq.MsgGet(&message, Libzmq.ZMQ_SRCFD);
            return true;
        }
        finally
        {
            Libzmq.MsgClose(&message);
        }
    }

    private static string? Load()
    {
        string? failure = TryLoadAny(CandidateNames, out s_library);
        if (failure is null)
        {
            NativeLibrary.SetDllImportResolver(typeof(ZmqNative).Assembly, Resolve);
        }

        return failure;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == Libzmq.LibraryName ? s_library : IntPtr.Zero;
}
