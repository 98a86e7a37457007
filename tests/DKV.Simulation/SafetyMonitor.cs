using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Simulation;

/// <summary>
/// The invariants checked after every simulator step: at most one leader per term, log matching, leader completeness,
/// state machine safety (no two nodes apply different entries at one index), commit index never moving back within a node's
/// life, applied ≤ committed. Throws <see cref="SimulationViolationException"/> naming the check, the node, the index and the time.
/// </summary>
internal sealed class SafetyMonitor(SimContext context)
{
    private readonly Dictionary<ulong, ulong> _leaderOfTerm = [];
    private readonly Dictionary<ulong, (ulong Term, ulong Hash, ulong Identity, int Node)> _applied = [];
    private readonly Dictionary<(ulong Index, ulong Term), ulong> _entryHashes = [];
    private readonly HashSet<(ulong Node, ulong Term)> _leadersChecked = [];

    /// <summary>The highest index any node applied.</summary>
    public ulong MaxApplied { get; private set; }

    /// <summary>Committed entries seen so far (index → term, identity of the write; see <see cref="ISimStateMachine.Identity"/>).</summary>
    public bool TryGetApplied(ulong index, out ulong term, out ulong identity)
    {
        bool found = _applied.TryGetValue(index, out var entry);
        (term, identity) = (entry.Term, entry.Identity);
        return found;
    }

    /// <summary>State machine safety: every node applies the same entry at an index.</summary>
    public void OnApplied(int node, in LogEntry entry, ulong identity)
    {
        ulong hash = KvCommand.Hash(entry.Data.Span);
        if (_applied.TryGetValue(entry.Index, out var first))
        {
            if (first.Term != entry.Term || first.Hash != hash)
            {
                Fail($"state machine safety: node {node} applied entry (index {entry.Index}, term {entry.Term}) but node {first.Node} applied (index {entry.Index}, term {first.Term}) with different content");
            }
        }
        else
        {
            _applied[entry.Index] = (entry.Term, hash, identity, node);
            MaxApplied = Math.Max(MaxApplied, entry.Index);
        }
    }

    /// <summary>Entries with the same index and term carry the same payload, whichever log they are in.</summary>
    public void OnPersisted(int node, ReadOnlySpan<LogEntry> entries)
    {
        foreach (ref readonly LogEntry entry in entries)
        {
            ulong hash = KvCommand.Hash(entry.Data.Span);
            if (_entryHashes.TryGetValue((entry.Index, entry.Term), out ulong seen))
            {
                if (seen != hash)
                {
                    Fail($"log matching: node {node} stored a different entry at (index {entry.Index}, term {entry.Term}) than another node");
                }
            }
            else
            {
                _entryHashes[(entry.Index, entry.Term)] = hash;
            }
        }
    }

    /// <summary>The per-step checks over all running nodes.</summary>
    public void CheckStep(IReadOnlyList<SimNode> nodes)
    {
        foreach (SimNode node in nodes)
        {
            if (!node.IsUp)
            {
                continue;
            }

            RaftNode raft = node.Raft;
            node.CheckMonotone(this);
            if (raft.AppliedIndex > raft.CommitIndex || node.StateMachine.AppliedIndex > raft.CommitIndex)
            {
                Fail($"applied ≤ committed: node {node.Id} applied {raft.AppliedIndex} (state machine {node.StateMachine.AppliedIndex}) beyond commit {raft.CommitIndex}");
            }

            if (raft.Role == RaftRole.Leader)
            {
                CheckLeader(node);
            }
        }
    }

    /// <summary>Log matching between two logs: below the highest index where both have an entry of the same term, all terms agree.</summary>
    public void CheckLogMatching(SimNode a, SimNode b)
    {
        IRaftLogReader x = a.Storage;
        IRaftLogReader y = b.Storage;
        ulong low = Math.Max(x.FirstIndex, y.FirstIndex);
        ulong high = Math.Min(x.LastIndex, y.LastIndex);
        ulong match = 0;
        for (ulong i = high; i >= low && i > 0; i--)
        {
            if (x.TryGetTerm(i, out ulong tx) && y.TryGetTerm(i, out ulong ty) && tx == ty)
            {
                match = i;
                break;
            }
        }

        for (ulong i = low; i < match; i++)
        {
            x.TryGetTerm(i, out ulong tx);
            y.TryGetTerm(i, out ulong ty);
            if (tx != ty)
            {
                Fail($"log matching: nodes {a.Id} and {b.Id} agree at index {match} but differ at index {i} (terms {tx} and {ty})");
            }
        }
    }

    public void Fail(string message) => throw new SimulationViolationException($"at {context.Now} ms: {message}");

    private void CheckLeader(SimNode node)
    {
        RaftNode raft = node.Raft;
        if (_leaderOfTerm.TryGetValue(raft.Term, out ulong other) && other != (ulong)node.Id)
        {
            Fail($"election safety: nodes {other} and {node.Id} are both leader in term {raft.Term}");
        }

        _leaderOfTerm[raft.Term] = (ulong)node.Id;
        if (!_leadersChecked.Add(((ulong)node.Id, raft.Term)))
        {
            return;
        }

        // Leader completeness: a new leader's log holds every entry committed (applied anywhere) before it was elected.
        IRaftLogReader log = node.Storage;
        if (raft.LastIndex < MaxApplied)
        {
            Fail($"leader completeness: node {node.Id} leads term {raft.Term} with last index {raft.LastIndex} but index {MaxApplied} was already committed");
        }

        for (ulong i = Math.Max(log.FirstIndex, 1); i <= Math.Min(MaxApplied, log.LastIndex); i++)
        {
            if (_applied.TryGetValue(i, out var committed) && log.TryGetTerm(i, out ulong term) && term != committed.Term)
            {
                Fail($"leader completeness: node {node.Id} leads term {raft.Term} with term {term} at index {i}, where term {committed.Term} was committed");
            }
        }
    }
}
