using DKV.Testing.Linearizability.Models;

namespace DKV.Simulation;

/// <summary>
/// A client: one operation at a time against some node. A redirect (definitely not applied) is retried at the hinted leader or
/// another node; a timeout ends the operation with an unknown outcome (a write may still apply later; a read is dropped) and the
/// client continues under a new logical id, as Jepsen does.
/// With sessions (the production stack), every write carries the client's session and a sequence number, and a timed-out
/// attempt is retried at another node with the same sequence until the operation's deadline: the state machine applies it at
/// most once and answers every copy with the first outcome, which the history records as the operation's result.
/// </summary>
internal sealed class SimClient
{
    private readonly SimContext _context;
    private readonly SimNetwork _network;
    private readonly Workload _workload;
    private readonly SimRandom _random;
    private readonly int _nodes;
    private int _logicalId;
    private int _target;
    private int _handle = -1;
    private KvInput _input;
    private long _requestId;
    private long _operationDeadline;
    private readonly bool _sessions;
    private ulong _sequence;
    private long _firstRequestId;
    private bool _attemptTimedOut;

    public SimClient(int address, int nodes, SimContext context, SimNetwork network, Workload workload, SimRandom random)
    {
        Address = address;
        _nodes = nodes;
        _context = context;
        _network = network;
        _workload = workload;
        _random = random;
        _logicalId = workload.NewLogicalClient();
        _target = random.Between(1, nodes);
        _sessions = context.Profile.ProductionStack;
    }

    public int Address { get; }

    public bool Busy => _handle >= 0;

    private bool UsesSession => _sessions && !_input.IsRead;

    private ulong SessionId => (ulong)Address;

    private long AttemptTimeoutMs => 10L * _context.Profile.ElectionTicks * _context.Profile.TickMs;

    public void ScheduleNext(long delayMs) =>
        _context.Schedule(_context.Now + delayMs, new SimEvent(SimEventKind.ClientIssue, Address, 0, 0, null));

    public void OnIssue()
    {
        if (Busy || !_workload.TryTake(_random, out _input))
        {
            return;
        }

        if (_random.Chance(_context.Profile.RandomTargetRate))
        {
            _target = _random.Between(1, _nodes);
        }

        _handle = _workload.History.Call(_logicalId, _input, _context.Now);
        _operationDeadline = _context.Now + (3 * AttemptTimeoutMs);
        _attemptTimedOut = false;
        _firstRequestId = _requestId + 1;
        if (_sessions && !_input.IsRead)
        {
            _sequence++;
        }

        Send();
    }

    public void OnRetry(long requestId)
    {
        if (requestId == _requestId && Busy)
        {
            Send();
        }
    }

    public void OnTimeout(long requestId)
    {
        if (requestId != _requestId || !Busy)
        {
            return;
        }

        if (UsesSession && _context.Now < _operationDeadline)
        {
            // Same session and sequence at another node: if the first attempt applied, this one only fetches its outcome.
            _attemptTimedOut = true;
            _target = (_target % _nodes) + 1;
            Send();
            return;
        }

        if (_input.IsRead)
        {
            _workload.History.Drop(_handle);
        }
        else
        {
            _workload.History.Unknown(_handle, KvOutput.Unknown);
            _workload.NoteUnknown(_input.Key);
        }

        _handle = -1;
        _requestId++;
        _logicalId = _workload.NewLogicalClient();
        _target = _random.Between(1, _nodes);
        ScheduleNext(_random.Next(5));
    }

    public void OnResponse(ClientResponse response)
    {
        bool current = response.RequestId == _requestId
            || (UsesSession && !response.Redirect && response.RequestId >= _firstRequestId);
        if (!current || !Busy)
        {
            return;
        }

        _context.Trace.Add((ulong)response.RequestId ^ (response.Redirect ? 1UL : 0UL) ^ response.Index);
        if (response.Redirect)
        {
            Redirected(response.LeaderHint);
            return;
        }

        _workload.History.Return(_handle, response.Output, _context.Now);
        if (!_input.IsRead)
        {
            ulong identity = _sessions ? ProductionStateMachine.SessionIdentity(SessionId, _sequence) : KvCommand.Hash(KvCommand.Encode(_input));
            _workload.Acknowledged.Add((response.Index, response.Term, identity));
        }

        _handle = -1;
        _requestId++;
        ScheduleNext(_random.Next(4));
    }

    private void Redirected(int hint)
    {
        _requestId++;
        if (_context.Now >= _operationDeadline && _attemptTimedOut)
        {
            // An earlier attempt timed out and may still apply: the outcome is unknown.
            _workload.History.Unknown(_handle, KvOutput.Unknown);
            _workload.NoteUnknown(_input.Key);
            _handle = -1;
            _logicalId = _workload.NewLogicalClient();
            ScheduleNext(_random.Next(5));
            return;
        }

        if (_context.Now >= _operationDeadline)
        {
            // Every attempt was definitely refused: the operation never happened.
            _workload.History.Drop(_handle);
            _handle = -1;
            ScheduleNext(_random.Next(5));
            return;
        }

        _target = hint != 0 ? hint : (_target % _nodes) + 1;
        long backoff = hint != 0 ? _random.Next(3) : _random.Between(5, 3 * _context.Profile.TickMs);
        _context.Schedule(_context.Now + backoff, new SimEvent(SimEventKind.ClientRetry, Address, _requestId, 0, null));
    }

    private void Send()
    {
        _requestId++;
        var request = UsesSession
            ? new ClientRequest(Address, _requestId, _input, SessionId, _sequence, AcknowledgedBelow: _sequence)
            : new ClientRequest(Address, _requestId, _input);
        _network.SendClient(Address, _target, request);
        _context.Schedule(_context.Now + AttemptTimeoutMs, new SimEvent(SimEventKind.ClientTimeout, Address, _requestId, 0, null));
    }
}
