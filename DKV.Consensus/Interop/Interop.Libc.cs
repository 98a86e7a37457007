using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DKV.Consensus.Interop;

/// <summary>The few libc calls the write-ahead log needs on Unix (directory fsync and fdatasync, which .NET does not expose).</summary>
internal static partial class Libc
{
    /// <summary>open(2) flag: read only. Enough to open a directory for fsync.</summary>
    internal const int OpenReadOnly = 0;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    internal static partial int FSync(UnixFileDescriptorHandle fd);

    /// <summary>fdatasync(2): flushes the file's data and only the metadata needed to read it back (the size), not its times.</summary>
    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    internal static partial int FDataSync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
