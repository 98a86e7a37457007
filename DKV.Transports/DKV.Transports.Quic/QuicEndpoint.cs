using System.Globalization;
using System.Net;
using DKV.Core.Errors;

namespace DKV.Transports.Quic;

/// <summary>quic endpoints: <c>host:port</c>, <c>[v6]:port</c>, <c>:port</c> (every interface on a server, loopback on a client), UDP.</summary>
internal static class QuicEndpoint
{
    public static (string Host, int Port) Parse(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        string text = endpoint.Trim();
        if (text.StartsWith("quic://", StringComparison.Ordinal))
        {
            text = text["quic://".Length..];
        }

        int colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            throw Invalid(endpoint, "it has no ':port'");
        }

        string host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            throw Invalid(endpoint, "an IPv6 address must be written in brackets, like [::1]:8080");
        }

        string portText = text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > IPEndPoint.MaxPort)
        {
            throw Invalid(endpoint, $"port '{portText}' is not a number from 0 to {IPEndPoint.MaxPort}");
        }

        return (host, port);
    }

    public static string Format(IPEndPoint endpoint) =>
        endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{endpoint.Address}]:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{endpoint.Address}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}";

    private static DkvException Invalid(string endpoint, string why) =>
        new(DkvErrorCode.InvalidArgument, $"quic endpoint '{endpoint}' is not valid: {why}. Use host:port, [::1]:port or :port");
}
