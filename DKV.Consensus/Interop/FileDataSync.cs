using System.Runtime.InteropServices;
using DKV.Core.Errors;
using Microsoft.Win32.SafeHandles;

namespace DKV.Consensus.Interop;

/// <summary>fdatasync of an open file on Linux; a full flush (<see cref="RandomAccess.FlushToDisk"/>) elsewhere.</summary>
internal static class FileDataSync
{
    private static volatile bool s_dataSyncMissing;

    /// <summary>
    /// Makes the file's written bytes (and its size) durable. Returns true when fdatasync was used, false when the call fell
    /// back to a full flush (not Linux, or the C library has no fdatasync). Throws <see cref="DkvException"/> when the
    /// flush fails: the caller must not retry, the page cache may have dropped the dirty pages.
    /// </summary>
    internal static bool Sync(SafeFileHandle handle, string path)
    {
        if (!OperatingSystem.IsLinux() || s_dataSyncMissing)
        {
            RandomAccess.FlushToDisk(handle);
            return false;
        }

        int result;
        try
        {
            result = Libc.FDataSync(handle);
        }
        catch (EntryPointNotFoundException)
        {
            s_dataSyncMissing = true;
            RandomAccess.FlushToDisk(handle);
            return false;
        }

        if (result != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new DkvException(DkvErrorCode.Internal,
                $"fdatasync of '{path}' failed (errno {errno}); the disk may be failing or full — restart the node so it recovers from disk");
        }

        return true;
    }
}
