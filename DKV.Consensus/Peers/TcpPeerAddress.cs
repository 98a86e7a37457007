using System.Globalization;
using DKV.Core.Errors;

namespace DKV.Consensus.Peers;

/// <summary>Parses the <c>host:port</c> addresses of the peer network (IPv6 hosts in brackets).</summary>
internal static class TcpPeerAddress
{
    /// <exception cref="DkvException">Not <c>host:port</c> with a port in 0-65535 (<see cref="DkvErrorCode.InvalidArgument"/>).</exception>
    public static (string Host, int Port) Parse(string address, string what)
    {
        int colon = address.LastIndexOf(':');
        string host = colon > 0 ? address[..colon].Trim('[', ']') : string.Empty;
        if (colon <= 0 || host.Length == 0
            || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"{what} '{address}' is not host:port with a port in 0-65535; write it like 127.0.0.1:7001");
        }

        return (host, port);
    }
}
