using System.Runtime.InteropServices;
using DKV.Core.Errors;

namespace DKV.Consensus.Interop;

/// <summary>fsync of a directory, so that a created, renamed or deleted name survives a power loss.</summary>
internal static class DirectorySync
{
    /// <summary>
    /// Syncs <paramref name="directory"/> on Linux and macOS. On Windows the call does nothing: NTFS journals metadata and
    /// directories cannot be opened for flushing.
    /// </summary>
    internal static void Sync(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int fd = Libc.Open(directory, Libc.OpenReadOnly);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new DkvException(DkvErrorCode.Internal,
                $"cannot open directory '{directory}' to fsync it (errno {errno}); check that it exists and is readable");
        }

        using var handle = new UnixFileDescriptorHandle(fd);
        if (Libc.FSync(handle) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new DkvException(DkvErrorCode.Internal,
                $"fsync of directory '{directory}' failed (errno {errno}); the disk may be failing or full");
        }
    }
}
