using System.Collections.Concurrent;
using DKV.Consensus.Peers;

namespace DKV.Testing.Consensus;

/// <summary>
/// Connects in-memory <see cref="IPeerNetwork"/>s for tests and the simulator: every message is delivered in order per
/// sender on the receiver's own delivery loop (as the TCP network does), and any link can be cut and healed per direction.
/// A cut or missing peer behaves like an unreachable one: <see cref="IPeerNetwork.Send"/> drops and reports it through
/// <see cref="IPeerHandler.OnPeerUnreachable"/>, and calls fail with Unavailable.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class LoopbackPeerHub
{
    private readonly ConcurrentDictionary<ulong, LoopbackPeerNetwork> _networks = new();
    private readonly ConcurrentDictionary<(ulong From, ulong To), bool> _cut = new();

    /// <param name="queueCapacity">Messages waiting per receiver before <see cref="IPeerNetwork.Send"/> drops.</param>
    public LoopbackPeerHub(int queueCapacity = 8192)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        QueueCapacity = queueCapacity;
    }

    /// <summary>Messages waiting per receiver before <see cref="IPeerNetwork.Send"/> drops.</summary>
    public int QueueCapacity { get; }

    /// <summary>A network for replica <paramref name="id"/>; it joins the hub when started and leaves when disposed.</summary>
    public LoopbackPeerNetwork Create(ulong id) => new(this, id);

    /// <summary>Stops traffic from <paramref name="from"/> to <paramref name="to"/> (one direction).</summary>
    public void CutOneWay(ulong from, ulong to) => _cut[(from, to)] = true;

    /// <summary>Stops traffic between <paramref name="a"/> and <paramref name="b"/> in both directions.</summary>
    public void Cut(ulong a, ulong b)
    {
        CutOneWay(a, b);
        CutOneWay(b, a);
    }

    /// <summary>Cuts <paramref name="id"/> off from every replica now in the hub.</summary>
    public void Isolate(ulong id)
    {
        foreach (ulong other in _networks.Keys.Where(other => other != id))
        {
            Cut(id, other);
        }
    }

    /// <summary>Restores traffic between <paramref name="a"/> and <paramref name="b"/> in both directions.</summary>
    public void Heal(ulong a, ulong b)
    {
        _cut.TryRemove((a, b), out _);
        _cut.TryRemove((b, a), out _);
    }

    /// <summary>Restores every link.</summary>
    public void HealAll() => _cut.Clear();

    /// <summary>True when traffic from <paramref name="from"/> to <paramref name="to"/> is cut.</summary>
    public bool IsCut(ulong from, ulong to) => _cut.ContainsKey((from, to));

    internal void Join(LoopbackPeerNetwork network)
    {
        if (!_networks.TryAdd(network.LocalId, network))
        {
            throw new InvalidOperationException($"replica {network.LocalId} is already running in this hub; dispose the old network first");
        }
    }

    internal void Leave(LoopbackPeerNetwork network) =>
        _networks.TryRemove(new KeyValuePair<ulong, LoopbackPeerNetwork>(network.LocalId, network));

    /// <summary>The running network of <paramref name="to"/> when <paramref name="from"/> can reach it, else null.</summary>
    internal LoopbackPeerNetwork? Route(ulong from, ulong to) =>
        !IsCut(from, to) && _networks.TryGetValue(to, out LoopbackPeerNetwork? target) ? target : null;
}
