using System.Net.Quic;
using DKV.Core.Errors;

namespace DKV.Transports.Quic;

/// <summary>Whether System.Net.Quic can run here, and the error that says what is missing when it cannot.</summary>
public static class QuicAvailability
{
    /// <summary>The message for a machine without the native MsQuic library; names it and how to install it.</summary>
    public const string MissingLibraryMessage =
        "the quic transport needs the native MsQuic library (libmsquic 2.x), which System.Net.Quic could not load here (QuicListener.IsSupported is false); " +
        "install it from Microsoft's package repository (Debian/Ubuntu: add https://packages.microsoft.com/config/<distro>/<version>/packages-microsoft-prod.deb, then 'apt-get install libmsquic'; " +
        "see https://learn.microsoft.com/dotnet/fundamentals/networking/quic/quic-overview#platform-dependencies), or choose another --transport (tcp, unix, zmq)";

    /// <summary>True when both QUIC listeners and connections are supported on this machine.</summary>
    public static bool IsSupported => QuicListener.IsSupported && QuicConnection.IsSupported;

    /// <summary>Throws <see cref="DkvException"/> (<see cref="DkvErrorCode.Unavailable"/>) with <see cref="MissingLibraryMessage"/> unless <see cref="IsSupported"/>.</summary>
    public static void EnsureSupported()
    {
        if (!IsSupported)
        {
            throw new DkvException(DkvErrorCode.Unavailable, MissingLibraryMessage);
        }
    }
}
