using System.Globalization;
using DKV.Core.Errors;

namespace DKV.Transports.ZeroMQ;

/// <summary>
/// zmq endpoints: <c>tcp://host:port</c>, <c>host:port</c> (taken as tcp), <c>:port</c> (every interface on a server, loopback on
/// a client), <c>[v6]:port</c>, and <c>ipc://path</c>. Port 0 on a server means any free port.
/// </summary>
internal static class ZmqEndpoint
{
    /// <summary>The libzmq address for <paramref name="endpoint"/>; <paramref name="server"/> decides what an empty host means.</summary>
    public static string ToAddress(string endpoint, bool server, out bool ipv6)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ipv6 = false;
        string text = endpoint.Trim();
        if (text.StartsWith("ipc://", StringComparison.Ordinal))
        {
            if (text.Length == "ipc://".Length)
            {
                throw Invalid(endpoint, "the ipc path is empty");
            }

            return text;
        }

        if (text.Contains("://", StringComparison.Ordinal) && !text.StartsWith("tcp://", StringComparison.Ordinal))
        {
            throw Invalid(endpoint, "only the tcp:// and ipc:// schemes are supported");
        }

        string hostPort = text.StartsWith("tcp://", StringComparison.Ordinal) ? text["tcp://".Length..] : text;
        int colon = hostPort.LastIndexOf(':');
        if (colon < 0)
        {
            throw Invalid(endpoint, "it has no ':port'");
        }

        string host = hostPort[..colon];
        string portText = hostPort[(colon + 1)..];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            ipv6 = true;
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            throw Invalid(endpoint, "an IPv6 address must be written in brackets, like [::1]:8080");
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw Invalid(endpoint, $"port '{portText}' is not a number from 0 to 65535");
        }

        if (port == 0 && !server)
        {
            throw Invalid(endpoint, "port 0 is for servers; a client needs the server's real port");
        }

        if (host.Length == 0 || host == "*")
        {
            host = server ? "*" : "127.0.0.1";
        }

        string portPart = port == 0 ? "*" : port.ToString(CultureInfo.InvariantCulture);
        return $"tcp://{host}:{portPart}";
    }

    /// <summary>The bound address (from <c>ZMQ_LAST_ENDPOINT</c>) written the way the endpoint was configured.</summary>
    public static string ToBoundEndpoint(string configured, string lastEndpoint)
    {
        bool hadScheme = configured.Trim().Contains("://", StringComparison.Ordinal);
        return hadScheme || !lastEndpoint.StartsWith("tcp://", StringComparison.Ordinal) ? lastEndpoint : lastEndpoint["tcp://".Length..];
    }

    private static DkvException Invalid(string endpoint, string why) =>
        new(DkvErrorCode.InvalidArgument, $"zmq endpoint '{endpoint}' is not valid: {why}. Use tcp://host:port, host:port, :port or ipc://path");
}
