namespace DKV.Consensus.Tests.Host;

/// <summary>Connects <see cref="InMemoryPeerNetwork"/>s in one process; links between replicas can be cut and healed.</summary>
public sealed class InMemoryPeerHub
{
    private readonly Dictionary<ulong, InMemoryPeerNetwork> _networks = [];
    private readonly HashSet<ulong> _isolated = [];
    private readonly Lock _gate = new();

    public InMemoryPeerNetwork Create(ulong localId) => new(this, localId);

    /// <summary>Cuts every link to and from <paramref name="replicaId"/>.</summary>
    public void Isolate(ulong replicaId)
    {
        lock (_gate)
        {
            _isolated.Add(replicaId);
        }
    }

    /// <summary>Restores every cut link.</summary>
    public void HealAll()
    {
        lock (_gate)
        {
            _isolated.Clear();
        }
    }

    internal void Register(InMemoryPeerNetwork network)
    {
        lock (_gate)
        {
            _networks[network.LocalId] = network;
        }
    }

    internal void Unregister(InMemoryPeerNetwork network)
    {
        lock (_gate)
        {
            if (_networks.TryGetValue(network.LocalId, out InMemoryPeerNetwork? current) && ReferenceEquals(current, network))
            {
                _networks.Remove(network.LocalId);
            }
        }
    }

    /// <summary>The running network of <paramref name="to"/> when the link from <paramref name="from"/> is up; null otherwise.</summary>
    internal InMemoryPeerNetwork? Route(ulong from, ulong to)
    {
        lock (_gate)
        {
            if (_isolated.Contains(from) || _isolated.Contains(to))
            {
                return null;
            }

            return _networks.GetValueOrDefault(to);
        }
    }
}
