using System.Text;

namespace DKV.Transports.ZeroMQ;

/// <summary>
/// The ZeroMQ-only session messages (docs/protocol.md, "ZeroMQ"). A control message is two parts: an empty delimiter, then
/// one kind byte followed by an optional UTF-8 reason. Data messages (hello, reply, frames) are always a single non-empty part,
/// so the two never look alike.
/// </summary>
internal static class ZmqControl
{
    /// <summary>Client to server: open a session on this connection.</summary>
    public const byte Open = 1;

    /// <summary>Server to client: the session is open; the dKV handshake may start.</summary>
    public const byte Opened = 2;

    /// <summary>Server to client: no session (shutting down, too many sessions); the reason says which.</summary>
    public const byte Refused = 3;

    /// <summary>Either way: the session is over (disposed, drained, aborted, unknown); the reason says why.</summary>
    public const byte Close = 4;

    /// <summary>Longest reason sent, in bytes (longer reasons are cut).</summary>
    public const int MaxReasonBytes = 512;

    public static byte[] Encode(byte kind, string reason)
    {
        int length = Math.Min(Encoding.UTF8.GetByteCount(reason), MaxReasonBytes);
        byte[] bytes = new byte[1 + length];
        bytes[0] = kind;
        byte[] text = Encoding.UTF8.GetBytes(reason);
        text.AsSpan(0, length).CopyTo(bytes.AsSpan(1));
        return bytes;
    }

    public static string ReasonOf(ReadOnlySpan<byte> body) =>
        body.Length <= 1 ? string.Empty : Encoding.UTF8.GetString(body[1..Math.Min(body.Length, 1 + MaxReasonBytes)]);

    public static string NameOf(byte kind) => kind switch
    {
        Open => "OPEN",
        Opened => "OPENED",
        Refused => "REFUSED",
        Close => "CLOSE",
        _ => $"kind {kind}",
    };
}
