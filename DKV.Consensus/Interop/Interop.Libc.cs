using System.Runtime.InteropServices;

namespace DKV.Consensus.Interop;

/// <summary>The few libc calls the write-ahead log needs on Unix (directory fsync, which .NET does not expose).</summary>
internal static partial class Libc
{
    /// <summary>open(2) flag: read only. Enough to open a directory for fsync.</summary>
    internal const int OpenReadOnly = 0;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    internal static partial int FSync(UnixFileDescriptorHandle fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
