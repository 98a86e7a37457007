namespace DKV.Core.Protocol;

/// <summary>The outcome of <see cref="FrameParser.TryParse"/>.</summary>
public enum FrameParseStatus
{
    /// <summary>The header or the payload is not complete yet.</summary>
    NeedMoreData,

    /// <summary>A whole frame is buffered.</summary>
    Complete,

    /// <summary>The header declares a payload over the maximum; the connection must be closed without reading it.</summary>
    TooLarge,
}
