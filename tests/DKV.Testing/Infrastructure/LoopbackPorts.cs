using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DKV.Testing.Infrastructure;

/// <summary>
/// Ports for a process the test starts later (a <c>dkv serve</c> peer address must be known before the node runs, so it cannot
/// bind port 0 itself).
/// </summary>
/// <remarks>
/// Binding port 0 and releasing it is not enough: the kernel hands the same ephemeral port out again (two nodes of one cluster
/// got the same one in CI), and any outgoing connection may take it before the node binds it. So the port comes from below the
/// kernel's ephemeral range, where neither happens, is checked bindable now, and is never handed out twice by this process.
/// </remarks>
public static class LoopbackPorts
{
    private const string EphemeralRangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
    private const int LowestPort = 10_000;
    private static readonly HashSet<int> s_handedOut = [];
    private static readonly Lock s_lock = new();

    /// <summary>A loopback port that was free a moment ago, outside the ephemeral range, not returned before by this process.</summary>
    /// <exception cref="InvalidOperationException">No such port was found in 2,000 tries.</exception>
    public static IPEndPoint Reserve()
    {
        int highest = EphemeralLow() - 1;
        if (highest - LowestPort < 1_000)
        {
            return BindZero(); // an unusual ephemeral range: fall back to what the kernel gives
        }

        for (int attempt = 0; attempt < 2_000; attempt++)
        {
            int port = Random.Shared.Next(LowestPort, highest + 1);
            lock (s_lock)
            {
                if (s_handedOut.Contains(port) || !IsFree(port))
                {
                    continue;
                }

                s_handedOut.Add(port);
                return new IPEndPoint(IPAddress.Loopback, port);
            }
        }

        throw new InvalidOperationException($"no free loopback port between {LowestPort} and {highest} after 2,000 tries");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static IPEndPoint BindZero()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (IPEndPoint)socket.LocalEndPoint!;
    }

    private static int EphemeralLow()
    {
        try
        {
            string[] parts = File.ReadAllText(EphemeralRangeFile).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(parts[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768; // Linux's default lower bound
        }
    }
}
