namespace DKV.Transports.ZeroMQ.Interop;

/// <summary>A libzmq call failed; <see cref="Errno"/> is libzmq's error number and the message its text.</summary>
internal sealed class ZmqException : Exception
{
    public ZmqException(string call, int errno)
        : base($"{call} failed: {ZmqNative.ErrorText(errno)} (errno {errno})")
    {
        Errno = errno;
    }

    public int Errno { get; }
}
