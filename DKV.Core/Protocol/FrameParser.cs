using System.Buffers;

namespace DKV.Core.Protocol;

/// <summary>
/// Finds whole frames in buffered bytes. The declared payload length is checked against the maximum as soon as the header is
/// there, before waiting for (or allocating) the payload.
/// </summary>
public static class FrameParser
{
    /// <summary>
    /// Looks at the start of <paramref name="buffer"/>. On <see cref="FrameParseStatus.Complete"/>, <paramref name="payload"/> is the
    /// frame's payload (a slice of <paramref name="buffer"/>) and <paramref name="frameBytes"/> the bytes to consume.
    /// On <see cref="FrameParseStatus.TooLarge"/>, <paramref name="header"/> holds the offending header.
    /// </summary>
    public static FrameParseStatus TryParse(in ReadOnlySequence<byte> buffer, int maxPayloadBytes, out FrameHeader header, out ReadOnlySequence<byte> payload, out long frameBytes)
    {
        payload = default;
        frameBytes = 0;
        if (!FrameHeader.TryRead(buffer, out header))
        {
            return FrameParseStatus.NeedMoreData;
        }

        if (header.PayloadLength > (uint)maxPayloadBytes)
        {
            return FrameParseStatus.TooLarge;
        }

        long total = WireProtocol.FrameHeaderBytes + (long)header.PayloadLength;
        if (buffer.Length < total)
        {
            return FrameParseStatus.NeedMoreData;
        }

        payload = buffer.Slice(WireProtocol.FrameHeaderBytes, header.PayloadLength);
        frameBytes = total;
        return FrameParseStatus.Complete;
    }
}
