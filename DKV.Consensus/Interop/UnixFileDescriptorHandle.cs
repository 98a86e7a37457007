using Microsoft.Win32.SafeHandles;

namespace DKV.Consensus.Interop;

/// <summary>Owns one Unix file descriptor opened through <see cref="Libc.Open"/> and closes it exactly once.</summary>
internal sealed class UnixFileDescriptorHandle : SafeHandleMinusOneIsInvalid
{
    public UnixFileDescriptorHandle()
        : base(ownsHandle: true)
    {
    }

    internal UnixFileDescriptorHandle(int fd)
        : base(ownsHandle: true)
    {
        SetHandle(fd);
    }

    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
