using DKV.Consensus.Peers;
using DKV.Consensus.Raft;

namespace DKV.Consensus.Tests.Peers;

/// <summary>
/// N <see cref="TcpPeerNetwork"/>s on 127.0.0.1 port 0 (ids 1..N), each reached through its own <see cref="PeerProxy"/>, so
/// the address lists are known before any node binds and a test can cut, heal or replace a node.
/// </summary>
internal sealed class PeerTestCluster : IAsyncDisposable
{
    private readonly Func<TcpPeerNetworkOptions, TcpPeerNetworkOptions> _configure;

    private PeerTestCluster(int size, Func<TcpPeerNetworkOptions, TcpPeerNetworkOptions> configure)
    {
        _configure = configure;
        for (ulong id = 1; id <= (ulong)size; id++)
        {
            Proxies[id] = new PeerProxy();
        }
    }

    public Dictionary<ulong, PeerProxy> Proxies { get; } = [];

    public Dictionary<ulong, TcpPeerNetwork> Networks { get; } = [];

    public Dictionary<ulong, RecordingPeerHandler> Handlers { get; } = [];

    /// <summary>Starts <paramref name="size"/> nodes; <paramref name="configure"/> adjusts each node's options.</summary>
    public static async Task<PeerTestCluster> StartAsync(int size, Func<TcpPeerNetworkOptions, TcpPeerNetworkOptions>? configure = null)
    {
        var cluster = new PeerTestCluster(size, configure ?? (options => options));
        foreach (ulong id in cluster.Proxies.Keys)
        {
            await cluster.StartNodeAsync(id);
        }

        return cluster;
    }

    /// <summary>Starts node <paramref name="id"/> (again, after <see cref="StopNodeAsync"/>) and points its proxy at it.</summary>
    public async Task StartNodeAsync(ulong id)
    {
        var options = new TcpPeerNetworkOptions
        {
            LocalId = id,
            ListenAddress = "127.0.0.1:0",
            PeerAddresses = Proxies.Where(pair => pair.Key != id).ToDictionary(pair => pair.Key, pair => pair.Value.Address),
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        };
        var network = new TcpPeerNetwork(_configure(options));
        var handler = new RecordingPeerHandler();
        await network.StartAsync(handler);
        Networks[id] = network;
        Handlers[id] = handler;
        Proxies[id].Target = network.BoundAddress;
    }

    /// <summary>Stops node <paramref name="id"/>; its proxy refuses connections until it starts again.</summary>
    public async Task StopNodeAsync(ulong id)
    {
        Proxies[id].Target = null;
        Proxies[id].Cut();
        await Networks[id].DisposeAsync();
        Networks.Remove(id);
        Proxies[id].Heal();
    }

    public static RaftMessage Message(ulong from, ulong to, ulong sequence, int payloadBytes = 0) => new()
    {
        Type = RaftMessageType.Append,
        GroupId = 7,
        From = from,
        To = to,
        Term = 3,
        Index = sequence,
        Entries = payloadBytes == 0 ? ReadOnlyMemory<LogEntry>.Empty : new[] { new LogEntry(sequence + 1, 3, EntryType.Normal, new byte[payloadBytes]) },
    };

    public async ValueTask DisposeAsync()
    {
        foreach (TcpPeerNetwork network in Networks.Values)
        {
            await network.DisposeAsync();
        }

        foreach (PeerProxy proxy in Proxies.Values)
        {
            await proxy.DisposeAsync();
        }
    }
}
