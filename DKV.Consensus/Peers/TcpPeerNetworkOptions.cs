using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.Consensus.Peers;

/// <summary>Settings of the TCP peer network (<c>TcpPeerNetwork</c>). Every limit is checked when the network is created.</summary>
public sealed record TcpPeerNetworkOptions
{
    /// <summary>This node's replica id; sent in the handshake, by which receivers identify the sender (never by address).</summary>
    public required ulong LocalId { get; init; }

    /// <summary>Where this node listens for peers, <c>host:port</c> (port 0 picks a free one; see <c>TcpPeerNetwork.BoundAddress</c>).</summary>
    public required string ListenAddress { get; init; }

    /// <summary>How to reach every other replica, by id, <c>host:port</c>. This node's own id is not in it.</summary>
    public required IReadOnlyDictionary<ulong, string> PeerAddresses { get; init; }

    /// <summary>The largest frame read from a peer; a bigger one closes that connection with a logged reason.</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Raft messages queued per peer before <c>Send</c> drops.</summary>
    public int QueueCapacity { get; init; } = 8192;

    /// <summary>Bytes of Raft messages queued per peer before <c>Send</c> drops.</summary>
    public long QueueBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Snapshots travel in chunks of this size.</summary>
    public int SnapshotChunkBytes { get; init; } = 1024 * 1024;

    /// <summary>The largest snapshot a receiver reassembles.</summary>
    public long MaxSnapshotBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Requests (<c>CallAsync</c>) outstanding per peer before new ones fail with Unavailable.</summary>
    public int MaxOutstandingCalls { get; init; } = 16_384;

    /// <summary>How long a connection attempt may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>First delay before reconnecting to a peer; doubles per failure up to <see cref="ReconnectMaxDelay"/>, with jitter.</summary>
    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest delay between reconnect attempts.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock for timeouts and backoff.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the network logs.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
