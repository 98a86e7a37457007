using Microsoft.Extensions.Logging;

namespace DKV.Consensus.Peers;

/// <summary>What the links and inbound sessions of one <see cref="TcpPeerNetwork"/> share. Immutable after start.</summary>
internal sealed class PeerNetworkContext
{
    /// <summary>Raft batches are cut at about this many bytes per write, so one peer's backlog does not monopolise a write.</summary>
    private const int PreferredBatchBytes = 1024 * 1024;

    public PeerNetworkContext(TcpPeerNetworkOptions options, IPeerHandler handler, ILogger logger)
    {
        Options = options;
        Handler = handler;
        Logger = logger;
        MaxFramePayloadBytes = options.MaxMessageBytes;
        BatchBytes = Math.Min(PreferredBatchBytes, options.MaxMessageBytes);
    }

    public TcpPeerNetworkOptions Options { get; }

    public IPeerHandler Handler { get; }

    public ILogger Logger { get; }

    public ulong LocalId => Options.LocalId;

    public int MaxFramePayloadBytes { get; }

    public int BatchBytes { get; }
}
