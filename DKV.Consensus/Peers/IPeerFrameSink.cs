namespace DKV.Consensus.Peers;

/// <summary>Receives the frames a <see cref="PeerConnection"/> reads, one at a time, on its read loop.</summary>
internal interface IPeerFrameSink
{
    /// <summary>One whole frame; <paramref name="payload"/> is valid only during the call.</summary>
    /// <exception cref="Core.Errors.DkvException">The frame is malformed: the connection is closed.</exception>
    void OnFrame(PeerFrameKind kind, ReadOnlySpan<byte> payload);
}
