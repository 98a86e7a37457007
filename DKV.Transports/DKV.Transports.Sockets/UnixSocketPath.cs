using System.Net.Sockets;
using System.Text;
using DKV.Core.Errors;

namespace DKV.Transports.Sockets;

/// <summary>Checks on Unix socket paths: length, and what may be found (and removed) at the path before binding.</summary>
internal static class UnixSocketPath
{
    /// <summary>sun_path holds 108 bytes on Linux (104 on macOS) including the terminating zero.</summary>
    public const int MaxPathBytes = 103;

    /// <summary>errno ENXIO, which open(2) reports for a socket file (the exception's HResult carries the errno on Unix).</summary>
    private const int EnxIo = 6;

    public static void Validate(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, "unix endpoint is empty; give the socket file's path, for example /tmp/dkv.sock");
        }

        int bytes = Encoding.UTF8.GetByteCount(path);
        if (bytes > MaxPathBytes)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"unix socket path '{path}' is {bytes} bytes; the limit is {MaxPathBytes}. Use a shorter path");
        }
    }

    /// <summary>
    /// True when <paramref name="path"/> is a socket file (not a regular file, FIFO, device or directory). Opening a socket file
    /// fails with ENXIO; opening anything else read-write either succeeds (not a socket) or fails otherwise (not provably a socket).
    /// </summary>
    public static bool IsSocketFile(string path)
    {
        if (Directory.Exists(path))
        {
            return false;
        }

        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            return false;
        }
        catch (IOException ex) when (ex.HResult == EnxIo)
        {
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>True when a server accepts connections on <paramref name="path"/> right now.</summary>
    public static bool HasLiveListener(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
