namespace DKV.Core.Protocol;

/// <summary>The server's answer to a <see cref="ClientHello"/>.</summary>
/// <param name="Version">The protocol version the server speaks.</param>
/// <param name="Accepted">True when frames may follow; false when the server closes the connection after this reply.</param>
/// <param name="Reason">Why the server refused (empty when accepted); names what differs and how to fix it.</param>
public readonly record struct ServerReply(ushort Version, bool Accepted, string Reason)
{
    public static ServerReply Accept => new(WireProtocol.Version, true, string.Empty);

    public static ServerReply Reject(string reason) => new(WireProtocol.Version, false, reason);
}
