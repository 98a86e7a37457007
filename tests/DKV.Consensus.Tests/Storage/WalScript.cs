using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Consensus.Tests.Storage;

/// <summary>A seeded script of WAL operations and an independent model of what replaying its first m records must give.</summary>
internal static class WalScript
{
    internal sealed record Step(bool IsSync, ulong Group, HardState? HardState, LogEntry[] Entries, WalSnapshotMarker? Marker)
    {
        internal int RecordCount => IsSync ? 0 : Marker is not null ? 1 : (Entries.Length > 0 ? 1 : 0) + (HardState is null ? 0 : 1);

        internal void AppendTo(WriteAheadLog wal)
        {
            if (Marker is { } marker)
            {
                wal.AppendSnapshotMarker(Group, marker);
            }
            else
            {
                wal.Append(Group, HardState, Entries);
            }
        }
    }

    internal static List<Step> Generate(ulong seed, int steps)
    {
        var random = new SeededRandomSource(seed);
        var last = new Dictionary<ulong, ulong> { [1] = 0, [2] = 0, [3] = 0 };
        var snapshot = new Dictionary<ulong, ulong> { [1] = 0, [2] = 0, [3] = 0 };
        var script = new List<Step>();
        ulong term = 1;
        for (int i = 0; i < steps; i++)
        {
            ulong group = (ulong)random.NextInt(3) + 1;
            int roll = random.NextInt(100);
            if (roll < 25)
            {
                script.Add(new Step(true, 0, null, [], null));
            }
            else if (roll < 35 && last[group] > snapshot[group])
            {
                ulong index = snapshot[group] + 1 + (ulong)random.NextInt((int)(last[group] - snapshot[group]));
                ulong keep = index + 1 - (ulong)random.NextInt((int)Math.Min(index, 3UL));
                snapshot[group] = index;
                script.Add(new Step(false, group, null, [], new WalSnapshotMarker(index, term, keep, false)));
            }
            else if (roll < 39)
            {
                // A snapshot installed from a leader, beyond this log: it replaces the whole log.
                ulong index = last[group] + 1 + (ulong)random.NextInt(5);
                snapshot[group] = index;
                last[group] = index;
                script.Add(new Step(false, group, null, [], new WalSnapshotMarker(index, term, index + 1, true)));
            }
            else
            {
                ulong from = last[group] + 1;
                if (roll < 45 && last[group] > snapshot[group])
                {
                    from = snapshot[group] + 1 + (ulong)random.NextInt((int)(last[group] - snapshot[group]));
                    term++;
                }

                LogEntry[] entries = WalTestData.Entries(from, random.NextInt(4), term, dataBytes: 40 + random.NextInt(300));
                last[group] = entries.Length > 0 ? entries[^1].Index : last[group];
                HardState? state = random.NextInt(2) == 0 ? new HardState(term, group, (ulong)i) : null;
                script.Add(new Step(false, group, state, entries, null));
            }
        }

        script.Add(new Step(true, 0, null, [], null));
        return script;
    }

    /// <summary>Per group, the description of the state after replaying the first <paramref name="records"/> records.</summary>
    internal static Dictionary<ulong, string> Model(List<Step> script, int records)
    {
        var entries = new Dictionary<ulong, List<LogEntry>>();
        var states = new Dictionary<ulong, HardState?>();
        var markers = new Dictionary<ulong, WalSnapshotMarker?>();
        int applied = 0;
        foreach (Step step in script.Where(s => !s.IsSync))
        {
            List<LogEntry> log = entries.TryGetValue(step.Group, out List<LogEntry>? existing) ? existing : entries[step.Group] = new();
            states.TryAdd(step.Group, null);
            markers.TryAdd(step.Group, null);
            if (applied < records && step.Marker is { } marker)
            {
                log.RemoveAll(e => marker.ReplacesLog || e.Index < marker.FirstKeptIndex);
                markers[step.Group] = marker;
                applied++;
                continue;
            }

            if (applied < records && step.Entries.Length > 0)
            {
                log.RemoveAll(e => e.Index >= step.Entries[0].Index);
                log.AddRange(step.Entries);
                applied++;
            }

            if (applied < records && step.HardState is not null)
            {
                states[step.Group] = step.HardState;
                applied++;
            }
        }

        var result = new Dictionary<ulong, string>();
        foreach (ulong group in entries.Keys)
        {
            if (states[group] is not null || markers[group] is not null || entries[group].Count > 0)
            {
                result[group] = Describe(group, states[group], markers[group], entries[group]);
            }
        }

        return result;
    }

    internal static string Describe(IReadOnlyDictionary<ulong, WalGroupState> recovered, ulong group) =>
        recovered.TryGetValue(group, out WalGroupState? state)
            ? Describe(group, state.HardState, state.Snapshot, state.Entries)
            : Describe(group, null, null, []);

    private static string Describe(ulong group, HardState? state, WalSnapshotMarker? marker, IReadOnlyList<LogEntry> entries) =>
        $"g{group} hs={state} snap={(marker is { } m ? $"{m.Index}@{m.Term} keep {m.FirstKeptIndex}" : "none")} log={WalTestData.Describe(entries)}";
}
