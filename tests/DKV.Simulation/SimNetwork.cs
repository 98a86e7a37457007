using DKV.Consensus.Raft;

namespace DKV.Simulation;

/// <summary>
/// The simulated network: per-message delay (reordering), loss and duplication for Raft traffic, and partitions between nodes
/// that form and heal. Client traffic is delayed and may be lost but never duplicated (as over TCP), and clients reach every node,
/// so a partitioned old leader keeps serving clients: exactly the case stale reads come from.
/// </summary>
internal sealed class SimNetwork
{
    private readonly SimContext _context;
    private readonly SimRandom _random;
    private readonly int[] _side;
    private readonly long[,] _lastDelivery;

    public SimNetwork(SimContext context, SimRandom random, int nodes)
    {
        _context = context;
        _random = random;
        _side = new int[nodes + 1];
        _lastDelivery = new long[nodes + 1, nodes + 1];
    }

    public bool IsPartitioned { get; private set; }

    public bool Connected(int a, int b) => _side[a] == _side[b];

    public void SendRaft(RaftMessage message)
    {
        var profile = _context.Profile;
        int from = (int)message.From;
        int to = (int)message.To;
        if (_context.FaultsOn && _random.Chance(profile.DropRate))
        {
            return;
        }

        DeliverOnLink(from, to, message);
        if (_context.FaultsOn && _random.Chance(profile.DuplicateRate))
        {
            DeliverOnLink(from, to, message);
        }
    }

    public void SendClient(int from, int to, object payload)
    {
        if (_context.FaultsOn && _random.Chance(_context.Profile.DropRate / 4))
        {
            return;
        }

        Deliver(from, to, payload);
    }

    /// <summary>Splits the nodes: isolates one (often the leader) or cuts them into two random sides.</summary>
    public void Partition(int leader)
    {
        int nodes = _side.Length - 1;
        Array.Clear(_side);
        if (leader != 0 && _random.Chance(_context.Profile.IsolateLeaderRate))
        {
            _side[leader] = 1;
        }
        else if (_random.Chance(0.4))
        {
            _side[_random.Between(1, nodes)] = 1;
        }
        else
        {
            for (int node = 1; node <= nodes; node++)
            {
                _side[node] = _random.Next(2);
            }
        }

        IsPartitioned = true;
    }

    public void Heal()
    {
        Array.Clear(_side);
        IsPartitioned = false;
    }

    public string Describe() => IsPartitioned ? string.Join("|", _side.Skip(1)) : "healed";

    private void DeliverOnLink(int from, int to, RaftMessage message)
    {
        long at = _context.Now + Delay();
        if (!(_context.FaultsOn && _random.Chance(_context.Profile.ReorderRate)))
        {
            at = Math.Max(at, _lastDelivery[from, to]);
            _lastDelivery[from, to] = at;
        }

        _context.Schedule(at, new SimEvent(SimEventKind.Deliver, to, 0, from, message));
    }

    private long Delay() => _context.Profile.DelayMinMs + (long)_random.Exponential(_context.Profile.DelayMeanMs);

    private void Deliver(int from, int to, object payload)
    {
        _context.Schedule(_context.Now + Delay(), new SimEvent(SimEventKind.Deliver, to, 0, from, payload));
    }
}
