using DKV.Consensus.Raft;
using DKV.Testing.Linearizability;
using DKV.Testing.Linearizability.Models;

namespace DKV.Simulation;

/// <summary>
/// Runs one seed: a cluster of real Raft cores over a simulated network and disks, clients recording a history, faults drawn
/// from the seed, invariants after every event, then (faults off) convergence, the linearizability check and the durability check.
/// Single-threaded and deterministic: the same options give the same run, event for event (<see cref="SimResult.TraceHash"/>).
/// </summary>
public sealed partial class Simulator
{
    private readonly SimOptions _options;
    private readonly SimContext _context;
    private readonly SimRandom _faults;
    private readonly SimNetwork _network;
    private readonly SafetyMonitor _monitor;
    private readonly Workload _workload;
    private readonly List<SimNode> _nodes = [];
    private readonly List<SimClient> _clients = [];
    private bool _converging;
    private long _convergeStart;

    /// <summary>Builds the cluster for <paramref name="options"/> (nothing runs until <see cref="Run"/>).</summary>
    public Simulator(SimOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        var root = new SimRandom(options.Seed);
        Profile = options.Profile ?? FaultProfile.Draw(root.Fork(), options.Nodes);
        if (options.ProductionStack is bool production)
        {
            Profile = Profile with { ProductionStack = production };
        }

        _context = new SimContext(Profile, new TraceHash()) { PlantSessionBug = options.PlantSessionBug };
        _faults = root.Fork();
        _network = new SimNetwork(_context, root.Fork(), options.Nodes);
        _monitor = new SafetyMonitor(_context);
        int keys = options.Keys > 0 ? options.Keys : 4;
        _workload = new Workload(options.Operations, keys);
        ulong[] voters = Enumerable.Range(1, options.Nodes).Select(i => (ulong)i).ToArray();
        for (int id = 1; id <= options.Nodes; id++)
        {
            _nodes.Add(new SimNode(id, NodeConfig(id, voters), _context, _network, _monitor, root.Fork()));
        }

        for (int c = 0; c < Profile.Clients; c++)
        {
            _clients.Add(new SimClient(ClientAddressBase + c, options.Nodes, _context, _network, _workload, root.Fork()));
        }
    }

    /// <summary>The recorded client history once <see cref="Run"/> finished with every operation ended; null before.</summary>
    public IReadOnlyList<Operation<KvInput, KvOutput>>? History { get; private set; }

    /// <summary>The fault profile in use (drawn from the seed unless given).</summary>
    public FaultProfile Profile { get; }

    private static int ClientAddressBase => 1000;

    /// <summary>Runs the seed to the end and reports; a failed check ends the run early with its message.</summary>
    public SimResult Run()
    {
        string? violation = null;
        try
        {
            Start();
            Loop();
            violation = FinalChecks();
        }
        catch (SimulationViolationException ex)
        {
            violation = ex.Message;
        }
        catch (RaftSafetyException ex)
        {
            violation = $"at {_context.Now} ms: the Raft core stopped on its own safety check: {ex.Message}";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Any other failure (core or harness) is reported with its seed rather than tearing down the whole seed range.
            violation = $"at {_context.Now} ms: unexpected {ex.GetType().Name}: {ex.Message} at {ex.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}";
        }

        int unknown = 0;
        int operations = 0;
        if (_workload.History.OpenCount == 0)
        {
            var ops = _workload.History.Build();
            History = ops;
            operations = ops.Count;
            unknown = ops.Count(o => o.IsPending);
        }

        return new SimResult(_options.Seed, _options.Nodes, _options.Operations, violation, _context.Trace.Value, _context.Trace.Count, _context.Now, operations, unknown, _nodes.Sum(n => n.Crashes), Profile)
        {
            Deduplicated = _context.Deduplicated,
        };
    }

    private RaftConfig NodeConfig(int id, ulong[] voters)
    {
        var config = new RaftConfig
        {
            NodeId = (ulong)id,
            GroupId = 1,
            Voters = voters,
            ElectionTicks = Profile.ElectionTicks,
            HeartbeatTicks = Profile.HeartbeatTicks,
            MaxInflightMessages = Profile.MaxInflightMessages,
            MaxAppendBytes = Profile.MaxAppendBytes,
            CompactionTailEntries = (ulong)Profile.CompactionTailEntries,
            PreVote = Profile.PreVote,
            CheckQuorum = Profile.CheckQuorum,
        };
        return _options.ConfigureNode?.Invoke(config) ?? config;
    }

    private void Start()
    {
        foreach (SimNode node in _nodes)
        {
            node.Start();
        }

        foreach (SimClient client in _clients)
        {
            client.ScheduleNext(_faults.Next(20));
        }

        _context.Schedule(Profile.TickMs, new SimEvent(SimEventKind.FaultTick, 0, 0, 0, null));
    }

    private void Loop()
    {
        while (_context.TryNext(out SimEvent simEvent))
        {
            Dispatch(simEvent);
            CheckStep();
            if (simEvent.Kind != SimEventKind.FaultTick)
            {
                continue;
            }

            if (!_converging && _workload.Exhausted && _clients.All(c => !c.Busy))
            {
                BeginConvergence();
            }
            else if (!_converging && _context.Now > _options.MaxClientPhaseMs)
            {
                _monitor.Fail($"liveness: only {_workload.Issued} of {_options.Operations} operations were issued within {_options.MaxClientPhaseMs} ms");
            }
            else if (_converging && Converged())
            {
                return;
            }
            else if (_converging && _context.Now > _convergeStart + _options.ConvergenceMs)
            {
                _monitor.Fail($"liveness: the cluster did not converge within {_options.ConvergenceMs} ms after faults stopped ({DescribeNodes()})");
            }
        }
    }

    private void Dispatch(SimEvent simEvent)
    {
        _context.Trace.AddEvent(_context.Now, (int)simEvent.Kind, simEvent.Target, (ulong)simEvent.Token);
        switch (simEvent.Kind)
        {
            case SimEventKind.NodeTick:
                Node(simEvent.Target).OnTick(simEvent.Token);
                break;
            case SimEventKind.SyncDone:
                Node(simEvent.Target).OnSyncDone(simEvent.Token);
                break;
            case SimEventKind.Deliver:
                Deliver(simEvent);
                break;
            case SimEventKind.Restart:
                Restart(simEvent);
                break;
            case SimEventKind.FaultTick:
                FaultTick();
                break;
            case SimEventKind.ClientIssue:
                Client(simEvent.Target).OnIssue();
                break;
            case SimEventKind.ClientRetry:
                Client(simEvent.Target).OnRetry(simEvent.Token);
                break;
            case SimEventKind.ClientTimeout:
                Client(simEvent.Target).OnTimeout(simEvent.Token);
                break;
            default:
                throw new InvalidOperationException($"unknown event kind {simEvent.Kind}");
        }
    }

    private void Deliver(SimEvent simEvent)
    {
        if (simEvent.Target >= ClientAddressBase)
        {
            Client(simEvent.Target).OnResponse((ClientResponse)simEvent.Payload!);
            return;
        }

        SimNode node = Node(simEvent.Target);
        if (!node.IsUp)
        {
            return;
        }

        if (simEvent.Payload is RaftMessage message)
        {
            if (_network.Connected(simEvent.From, simEvent.Target))
            {
                _context.Trace.Add(((ulong)message.Type << 56) ^ (message.Term << 32) ^ (message.Index << 8) ^ message.Commit ^ (message.Reject ? 1UL : 0UL));
                node.OnMessage(message);
            }
        }
        else
        {
            node.OnClientRequest((ClientRequest)simEvent.Payload!);
        }
    }

    private SimNode Node(int id) => _nodes[id - 1];

    private SimClient Client(int address) => _clients[address - ClientAddressBase];
}
