using System.Text;
using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Consensus.Tests.Scenarios.Harness;

/// <summary>
/// A deterministic in-test network of Raft cores. Nothing happens unless the test says so: ready batches are processed with
/// <see cref="Process"/>, messages travel only on <see cref="Deliver"/>, and links can be cut. Every node's storage survives
/// <see cref="Crash"/>; <see cref="Restart"/> rebuilds the core from it. State-machine safety (no two nodes apply different
/// entries at one index) and at-most-one-leader-per-term are checked continuously and recorded in <see cref="Violations"/>.
/// </summary>
public sealed class TestCluster
{
    private readonly Dictionary<ulong, TestNode> _nodes = [];
    private readonly HashSet<(ulong From, ulong To)> _cut = [];
    private readonly Dictionary<ulong, (ulong Term, LogEntry Entry)> _appliedAnywhere = [];
    private readonly Dictionary<ulong, ulong> _leaderOfTerm = [];
    private readonly Func<ulong, RaftConfig, RaftConfig> _configure;
    private ulong _seed;

    public TestCluster(int size, Func<ulong, RaftConfig, RaftConfig>? configure = null, ulong seed = 1)
        : this(size, configure, seed, _ => new MemoryRaftStorage())
    {
    }

    public TestCluster(int size, Func<ulong, RaftConfig, RaftConfig>? configure, ulong seed, Func<ulong, MemoryRaftStorage> storage)
    {
        _configure = configure ?? ((_, c) => c);
        _seed = seed;
        ulong[] voters = [.. Enumerable.Range(1, size).Select(i => (ulong)i)];
        foreach (ulong id in voters)
        {
            var config = _configure(id, new RaftConfig { NodeId = id, GroupId = 7, Voters = voters, ElectionTicks = 10, HeartbeatTicks = 1 });
            _nodes[id] = new TestNode(id, config, storage(id), ++_seed);
        }
    }

    /// <summary>Messages sent and not yet delivered or dropped, in send order.</summary>
    public List<RaftMessage> InFlight { get; } = [];

    /// <summary>Safety violations seen so far (empty in a correct run).</summary>
    public List<string> Violations { get; } = [];

    public IEnumerable<TestNode> Nodes => _nodes.Values;

    public TestNode this[ulong id] => _nodes[id];

    /// <summary>The leader with the highest term among running nodes, or null.</summary>
    public TestNode? Leader => _nodes.Values.Where(n => n.IsUp && n.Raft.Role == RaftRole.Leader).MaxBy(n => n.Raft.Term);

    /// <summary>Handles at most one ready batch of one node: persist, queue its messages, apply, acknowledge.</summary>
    public bool ProcessOne(ulong id)
    {
        TestNode node = _nodes[id];
        if (node.IsUp && node.Pending is null && node.Raft.HasReady)
        {
            BeginReady(id);
        }

        return FinishReady(id);
    }

    /// <summary>Takes a node's next ready batch without handling it yet (inputs may arrive while it is "being persisted").</summary>
    public bool BeginReady(ulong id)
    {
        TestNode node = _nodes[id];
        if (!node.IsUp || node.Pending is not null || !node.Raft.HasReady)
        {
            return false;
        }

        node.Pending = node.Raft.GetReady();
        return true;
    }

    /// <summary>Handles the batch taken by <see cref="BeginReady"/>: persist, queue its messages, apply, acknowledge.</summary>
    public bool FinishReady(ulong id)
    {
        TestNode node = _nodes[id];
        if (!node.IsUp || node.Pending is not { } ready)
        {
            return false;
        }

        node.Pending = null;
        node.Storage.Persist(ready);
        InFlight.AddRange(ready.Messages);
        if (ready.Snapshot is { } snapshot)
        {
            RestoreFromSnapshot(node, snapshot);
        }

        foreach (LogEntry entry in ready.CommittedEntries.Span)
        {
            RecordApplied(node, entry);
        }

        node.ReadStates.AddRange(ready.ReadStates);
        if (ready.HardState is { } hard)
        {
            if (hard.Commit < node.LastCommit || hard.Term < node.LastTerm)
            {
                Violations.Add($"node {node.Id}: hard state moved back from term {node.LastTerm} commit {node.LastCommit} to {hard}");
            }

            node.LastCommit = hard.Commit;
            node.LastTerm = hard.Term;
        }

        node.Raft.Advance(ready);
        CheckLeaders();
        return true;
    }

    /// <summary>Processes ready batches of every running node until none has any.</summary>
    public void Process()
    {
        bool any = true;
        while (any)
        {
            any = false;
            foreach (ulong id in _nodes.Keys)
            {
                while (ProcessOne(id))
                {
                    any = true;
                }
            }
        }
    }

    /// <summary>Delivers every message now in flight that <paramref name="filter"/> accepts (all by default); returns how many arrived.</summary>
    /// <remarks>Messages to a crashed node or over a cut link are dropped; messages the filter refuses stay in flight.</remarks>
    public int Deliver(Func<RaftMessage, bool>? filter = null)
    {
        var batch = InFlight.Where(m => filter is null || filter(m)).ToList();
        foreach (RaftMessage m in batch)
        {
            InFlight.Remove(m);
        }

        int delivered = 0;
        foreach (RaftMessage m in batch)
        {
            TestNode to = _nodes[m.To];
            if (!to.IsUp || _cut.Contains((m.From, m.To)))
            {
                continue;
            }

            to.Raft.Step(m);
            delivered++;
        }

        return delivered;
    }

    /// <summary>
    /// Delivers every message now in flight in a random order, dropping each with <paramref name="dropRate"/> and delivering a
    /// second copy with <paramref name="duplicateRate"/>. Returns how many arrived.
    /// </summary>
    public int DeliverShuffled(Random random, double dropRate, double duplicateRate)
    {
        var batch = InFlight.ToList();
        InFlight.Clear();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batch));
        int delivered = 0;
        foreach (RaftMessage m in batch)
        {
            TestNode to = _nodes[m.To];
            if (!to.IsUp || _cut.Contains((m.From, m.To)) || random.NextDouble() < dropRate)
            {
                continue;
            }

            to.Raft.Step(m);
            delivered++;
            if (random.NextDouble() < duplicateRate)
            {
                InFlight.Add(m);
            }
        }

        return delivered;
    }

    /// <summary>Drops every message in flight that <paramref name="filter"/> accepts.</summary>
    public void Drop(Func<RaftMessage, bool> filter) => InFlight.RemoveAll(m => filter(m));

    /// <summary>Processes and delivers until the network is quiet.</summary>
    public void Stabilize(int maxRounds = 10_000)
    {
        for (int round = 0; round < maxRounds; round++)
        {
            Process();
            if (Deliver() == 0 && InFlight.Count == 0 && !_nodes.Values.Any(n => n.IsUp && n.Raft.HasReady))
            {
                return;
            }
        }

        throw new InvalidOperationException($"cluster did not stabilize in {maxRounds} rounds");
    }

    /// <summary>Ticks every running node <paramref name="ticks"/> times, stabilizing after each tick.</summary>
    public void TickAll(int ticks)
    {
        for (int i = 0; i < ticks; i++)
        {
            foreach (TestNode node in _nodes.Values.Where(n => n.IsUp))
            {
                node.Raft.Tick();
            }

            Stabilize();
        }
    }

    /// <summary>Ticks only the given nodes <paramref name="ticks"/> times, stabilizing after each tick.</summary>
    public void TickOnly(int ticks, params ulong[] ids)
    {
        for (int i = 0; i < ticks; i++)
        {
            foreach (ulong id in ids)
            {
                _nodes[id].Raft.Tick();
            }

            Stabilize();
        }
    }

    /// <summary>Makes <paramref name="id"/> campaign and runs the election to the end.</summary>
    public TestNode Elect(ulong id)
    {
        _nodes[id].Raft.Campaign();
        Stabilize();
        return _nodes[id];
    }

    /// <summary>Proposes a UTF-8 string on <paramref name="id"/>.</summary>
    public ProposeResult Propose(ulong id, string data) => _nodes[id].Raft.Propose(Encoding.UTF8.GetBytes(data));

    /// <summary>Cuts both directions between <paramref name="a"/> and every node in <paramref name="others"/>.</summary>
    public void Isolate(ulong a, params ulong[] others)
    {
        IEnumerable<ulong> targets = others.Length == 0 ? _nodes.Keys.Where(k => k != a) : others;
        foreach (ulong b in targets)
        {
            _cut.Add((a, b));
            _cut.Add((b, a));
        }
    }

    public void HealAll() => _cut.Clear();

    /// <summary>
    /// Stops a node: it loses everything not in its storage, and messages to it are dropped. Messages it already sent stay on
    /// the wire.
    /// </summary>
    public void Crash(ulong id)
    {
        _nodes[id].IsUp = false;
        _nodes[id].Pending = null; // a batch not yet persisted is lost
        InFlight.RemoveAll(m => m.To == id);
    }

    /// <summary>Rebuilds a crashed node from its storage; its state machine restarts from the storage snapshot.</summary>
    public void Restart(ulong id)
    {
        TestNode node = _nodes[id];
        node.Applied.Clear();
        if (node.Storage.Snapshot is { } snapshot)
        {
            RestoreFromSnapshot(node, snapshot);
        }

        node.Raft = new RaftNode(node.Config with { AppliedIndex = 0 }, node.Storage, new SeededRandomSource(++_seed));
        node.IsUp = true;
    }

    /// <summary>Snapshots <paramref name="id"/> at its applied index and compacts its storage per the plan.</summary>
    public CompactionPlan Compact(ulong id)
    {
        TestNode node = _nodes[id];
        CompactionPlan plan = node.Raft.Compact(node.AppliedIndex, Encoding.UTF8.GetBytes($"snapshot of {node.Id} at {node.AppliedIndex}"));
        node.Storage.Compact(plan);
        return plan;
    }

    /// <summary>The applied entries' payloads of a node, as strings, in index order (no-ops skipped).</summary>
    public List<string> AppliedData(ulong id) =>
        [.. _nodes[id].Applied.Values.Where(e => !e.Data.IsEmpty).Select(e => Encoding.UTF8.GetString(e.Data.Span))];

    private void RestoreFromSnapshot(TestNode node, RaftSnapshot snapshot)
    {
        // The snapshot's content is what was applied up to its index anywhere in the cluster (state-machine safety makes it unique).
        node.Applied.Clear();
        foreach (var (index, applied) in _appliedAnywhere.Where(p => p.Key <= snapshot.Metadata.Index))
        {
            node.Applied[index] = applied.Entry;
        }
    }

    private void RecordApplied(TestNode node, LogEntry entry)
    {
        node.Applied[entry.Index] = entry;
        if (_appliedAnywhere.TryGetValue(entry.Index, out var earlier))
        {
            if (earlier.Term != entry.Term || !earlier.Entry.Data.Span.SequenceEqual(entry.Data.Span))
            {
                Violations.Add($"state machine safety: node {node.Id} applied term {entry.Term} at index {entry.Index}, another node applied term {earlier.Term}");
            }
        }
        else
        {
            _appliedAnywhere[entry.Index] = (entry.Term, entry);
        }
    }

    private void CheckLeaders()
    {
        foreach (TestNode node in _nodes.Values.Where(n => n.IsUp && n.Raft.Role == RaftRole.Leader))
        {
            if (_leaderOfTerm.TryGetValue(node.Raft.Term, out ulong other) && other != node.Id)
            {
                Violations.Add($"election safety: nodes {other} and {node.Id} were both leader in term {node.Raft.Term}");
            }

            _leaderOfTerm[node.Raft.Term] = node.Id;
        }
    }
}
