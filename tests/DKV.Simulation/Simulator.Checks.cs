using DKV.Consensus.Raft;
using DKV.Testing.Linearizability;
using DKV.Testing.Linearizability.Models;

namespace DKV.Simulation;

/// <summary>Faults, the convergence phase and the checks.</summary>
public sealed partial class Simulator
{
    private static readonly CheckOptions s_checkOptions = new() { Timeout = TimeSpan.FromSeconds(30), MaxStepsPerPartition = 50_000_000 };

    private void FaultTick()
    {
        _context.Schedule(_context.Now + Profile.TickMs, new SimEvent(SimEventKind.FaultTick, 0, 0, 0, null));
        if (!_context.FaultsOn)
        {
            return;
        }

        if (_network.IsPartitioned ? _faults.Chance(Profile.HealRate) : _faults.Chance(Profile.PartitionRate))
        {
            if (_network.IsPartitioned)
            {
                _network.Heal();
            }
            else
            {
                _network.Partition(CurrentLeader());
            }

            _context.Trace.Add(0xFA17UL);
        }

        if (_faults.Chance(Profile.CrashRate) && _nodes.Count(n => !n.IsUp) < Profile.MaxDown)
        {
            var up = _nodes.Where(n => n.IsUp).ToList();
            int leader = CurrentLeader();
            Crash(leader != 0 && _faults.Chance(Profile.LeaderCrashBias) ? Node(leader) : up[_faults.Next(up.Count)]);
        }
    }

    private void Crash(SimNode victim)
    {
        victim.CrashRequested = false;
        int lost = victim.Crash();
        _context.Trace.Add(0xC0A5UL ^ ((ulong)victim.Id << 8) ^ (ulong)lost);
        _context.Schedule(_context.Now + _faults.Between(Profile.RestartMinMs, Profile.RestartMaxMs), new SimEvent(SimEventKind.Restart, victim.Id, victim.Incarnation, 0, null));
    }

    private void Restart(SimEvent simEvent)
    {
        SimNode node = Node(simEvent.Target);
        if (!node.IsUp && node.Incarnation == simEvent.Token)
        {
            node.Start();
        }
    }

    private int CurrentLeader()
    {
        SimNode? leader = _nodes.Where(n => n.IsUp && n.Raft.Role == RaftRole.Leader).OrderByDescending(n => n.Raft.Term).FirstOrDefault();
        return leader?.Id ?? 0;
    }

    private void BeginConvergence()
    {
        _converging = true;
        _convergeStart = _context.Now;
        _context.FaultsOn = false;
        _network.Heal();
        foreach (SimNode node in _nodes.Where(n => !n.IsUp))
        {
            node.Start();
        }
    }

    private bool Converged()
    {
        if (_nodes.Any(n => !n.IsUp || n.IsSyncing))
        {
            return false;
        }

        int leader = CurrentLeader();
        if (leader == 0)
        {
            return false;
        }

        RaftNode lead = Node(leader).Raft;
        return lead.CommitIndex == lead.LastIndex && _nodes.All(n =>
            n.Raft.Term == lead.Term && n.Raft.CommitIndex == lead.CommitIndex && n.StateMachine.AppliedIndex == lead.CommitIndex);
    }

    private void CheckStep()
    {
        foreach (SimNode node in _nodes)
        {
            if (node.CrashRequested && node.IsUp)
            {
                Crash(node);
            }
        }

        _monitor.CheckStep(_nodes);
        foreach (SimNode changed in _nodes)
        {
            if (!changed.LogChanged || !changed.IsUp)
            {
                continue;
            }

            changed.LogChanged = false;
            foreach (SimNode other in _nodes)
            {
                if (other != changed && other.IsUp)
                {
                    _monitor.CheckLogMatching(changed, other);
                }
            }
        }
    }

    private string? FinalChecks()
    {
        ulong content = _nodes[0].StateMachine.ContentHash(_workload.AllKeys);
        foreach (SimNode node in _nodes)
        {
            if (node.StateMachine.ContentHash(_workload.AllKeys) != content)
            {
                return $"state divergence: node {node.Id} and node 1 applied through {node.StateMachine.AppliedIndex} but hold different data";
            }
        }

        foreach ((ulong index, ulong term, ulong identity) in _workload.Acknowledged)
        {
            // Term 0: a retried session write answered with its first copy's index, whose term the answering node did not know.
            if (!_monitor.TryGetApplied(index, out ulong appliedTerm, out ulong appliedIdentity) || (term != 0 && appliedTerm != term)
                || appliedIdentity != identity)
            {
                return $"durability: the write acknowledged at (index {index}, term {term}) is not the entry committed there";
            }

            if (index > _nodes[0].StateMachine.AppliedIndex)
            {
                return $"durability: the write acknowledged at index {index} is beyond the converged applied index {_nodes[0].StateMachine.AppliedIndex}";
            }
        }

        var history = _workload.History.Build();
        CheckResult result = LinearizabilityChecker.Check(KvModel.Instance, history, s_checkOptions);
        return result.Verdict switch
        {
            CheckVerdict.Linearizable => null,
            CheckVerdict.NotLinearizable => "linearizability: " + result.Explain(),
            _ => "linearizability check did not finish: " + result.Explain(),
        };
    }

    private string DescribeNodes() => string.Join("; ", _nodes.Select(n => n.IsUp
        ? $"node {n.Id} {n.Raft.Role} term {n.Raft.Term} commit {n.Raft.CommitIndex} last {n.Raft.LastIndex} applied {n.StateMachine.AppliedIndex}{(n.IsSyncing ? " syncing" : string.Empty)}"
        : $"node {n.Id} down"));
}
