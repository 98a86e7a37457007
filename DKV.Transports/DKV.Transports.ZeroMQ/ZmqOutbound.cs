namespace DKV.Transports.ZeroMQ;

/// <summary>
/// A message waiting for the I/O thread. <see cref="Control"/> messages go out as two parts (empty delimiter, body) and own a
/// plain array; data messages are one part in an array rented from the shared pool, holding one of the session's send slots.
/// </summary>
internal readonly record struct ZmqOutbound(byte[] Data, int Length, bool Control, ZmqSessionConnection? Session)
{
    public static ZmqOutbound ForControl(byte kind, string reason)
    {
        byte[] body = ZmqControl.Encode(kind, reason);
        return new ZmqOutbound(body, body.Length, Control: true, Session: null);
    }
}
