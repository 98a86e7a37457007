using System.Globalization;
using System.Net;
using DKV.Core.Errors;

namespace DKV.Transports.Sockets;

/// <summary>
/// A parsed tcp endpoint: <c>host:port</c>, <c>[v6-address]:port</c> or <c>:port</c>. An empty host means loopback for a client
/// and every interface for a server.
/// </summary>
/// <param name="Host">The host name or address text, without brackets; empty when omitted.</param>
/// <param name="Port">0 to 65535 (0 = any free port, server only).</param>
internal readonly record struct TcpEndpoint(string Host, int Port)
{
    public static TcpEndpoint Parse(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        string text = endpoint.Trim();
        int colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            throw Invalid(endpoint, "it has no ':port'");
        }

        string host = text[..colon];
        string portText = text[(colon + 1)..];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            throw Invalid(endpoint, "an IPv6 address must be written in brackets, like [::1]:8080");
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > IPEndPoint.MaxPort)
        {
            throw Invalid(endpoint, $"port '{portText}' is not a number from 0 to {IPEndPoint.MaxPort}");
        }

        return new TcpEndpoint(host, port);
    }

    /// <summary><c>address:port</c>, with IPv6 addresses in brackets.</summary>
    public static string Format(IPEndPoint endpoint) =>
        endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{endpoint.Address}]:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{endpoint.Address}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}";

    private static DkvException Invalid(string endpoint, string why) =>
        new(DkvErrorCode.InvalidArgument, $"tcp endpoint '{endpoint}' is not valid: {why}. Use host:port, [::1]:port or :port");
}
