namespace DKV.Core.Protocol;

/// <summary>The outcome of trying to read a handshake message from buffered bytes.</summary>
public enum HandshakeReadStatus
{
    /// <summary>Not enough bytes yet; nothing was consumed.</summary>
    NeedMoreData,

    /// <summary>A whole, well-formed message was read and consumed.</summary>
    Complete,

    /// <summary>The bytes are not a handshake message of this protocol; the reason says why.</summary>
    Invalid,
}
