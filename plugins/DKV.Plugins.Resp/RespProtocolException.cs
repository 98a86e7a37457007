namespace DKV.Plugins.Resp;

/// <summary>The client sent bytes that are not RESP, or a length over a configured limit; the connection is closed.</summary>
public sealed class RespProtocolException : Exception
{
    public RespProtocolException()
    {
    }

    public RespProtocolException(string message)
        : base(message)
    {
    }

    public RespProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
