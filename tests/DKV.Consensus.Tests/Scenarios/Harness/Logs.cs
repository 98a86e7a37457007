using System.Text;
using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Consensus.Tests.Scenarios.Harness;

/// <summary>Builds persisted states for scenarios that start from a given log shape (paper figures 7 and 8).</summary>
public static class Logs
{
    /// <summary>
    /// Storage whose log holds one entry per element of <paramref name="entryTerms"/> (index 1 first), with payload
    /// <c>t{term}i{index}</c>, and the given hard state (commit 0).
    /// </summary>
    public static MemoryRaftStorage Stored(ulong term, ulong vote, params ulong[] entryTerms)
    {
        var storage = new MemoryRaftStorage();
        var entries = entryTerms.Select((t, i) => new LogEntry((ulong)i + 1, t, EntryType.Normal, Payload(t, (ulong)i + 1))).ToArray();
        storage.Append(entries);
        storage.SetHardState(new HardState(term, vote, 0));
        return storage;
    }

    public static ReadOnlyMemory<byte> Payload(ulong term, ulong index) => Encoding.UTF8.GetBytes($"t{term}i{index}");

    /// <summary>The terms of a node's durable log, index 1 first.</summary>
    public static ulong[] Terms(MemoryRaftStorage storage)
    {
        var terms = new List<ulong>();
        for (ulong i = storage.FirstIndex; i <= storage.LastIndex; i++)
        {
            storage.TryGetTerm(i, out ulong t);
            terms.Add(t);
        }

        return [.. terms];
    }
}
