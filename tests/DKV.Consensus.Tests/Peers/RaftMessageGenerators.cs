using DKV.Consensus.Raft;
using FsCheck;
using FsCheck.Fluent;

namespace DKV.Consensus.Tests.Peers;

/// <summary>FsCheck generators for Raft messages with every field, entries and snapshots, plus a canonical description to compare.</summary>
internal static class RaftMessageGenerators
{
    public static Arbitrary<RaftMessage> Messages() => Message().ToArbitrary();

    public static string Describe(RaftMessage m)
    {
        string entries = string.Join(";", m.Entries.ToArray().Select(e => $"{e.Index}/{e.Term}/{e.Type}/{Convert.ToHexString(e.Data.Span)}"));
        string snapshot = m.Snapshot is null
            ? "none"
            : $"{m.Snapshot.Metadata.Index}/{m.Snapshot.Metadata.Term}/[{string.Join(",", m.Snapshot.Metadata.Voters)}]/{Convert.ToHexString(m.Snapshot.Data.Span)}";
        return $"{m.Type} {m.GroupId} {m.From} {m.To} {m.Term} {m.LogTerm} {m.Index} {m.Commit} {m.Reject} {m.RejectHint} {m.Context} {m.Transfer} [{entries}] {snapshot}";
    }

    private static Gen<RaftMessage> Message() =>
        from type in Gen.Elements(Enum.GetValues<RaftMessageType>())
        from ids in Gen.ArrayOf(UInt64(), 9)
        from flags in Gen.Choose(0, 3)
        from entries in Gen.Choose(0, 5).SelectMany(count => Gen.ArrayOf(Entry(), count))
        from snapshot in Gen.Frequency((3, Gen.Constant<RaftSnapshot?>(null)), (1, Snapshot()))
        select new RaftMessage
        {
            Type = type,
            GroupId = ids[0],
            From = ids[1],
            To = ids[2],
            Term = ids[3],
            LogTerm = ids[4],
            Index = ids[5],
            Commit = ids[6],
            RejectHint = ids[7],
            Context = ids[8],
            Reject = (flags & 1) != 0,
            Transfer = (flags & 2) != 0,
            Entries = entries,
            Snapshot = snapshot,
        };

    private static Gen<LogEntry> Entry() =>
        from index in UInt64()
        from term in UInt64()
        from type in Gen.Elements(EntryType.Normal, EntryType.ConfigChange)
        from data in Bytes(300)
        select new LogEntry(index, term, type, data);

    private static Gen<RaftSnapshot?> Snapshot() =>
        from index in UInt64()
        from term in UInt64()
        from voters in Gen.Choose(0, 7).SelectMany(count => Gen.ArrayOf(UInt64(), count))
        from data in Bytes(2000)
        select (RaftSnapshot?)new RaftSnapshot(new SnapshotMetadata(index, term, voters), data);

    private static Gen<byte[]> Bytes(int maxBytes) =>
        Gen.Choose(0, maxBytes).SelectMany(length => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length));

    private static Gen<ulong> UInt64() =>
        Gen.Frequency(
            (1, Gen.Constant(0UL)),
            (1, Gen.Constant(ulong.MaxValue)),
            (4, Gen.Choose(0, 1000).Select(x => (ulong)x)),
            (4, Gen.Two(Gen.Choose(int.MinValue, int.MaxValue)).Select(p => ((ulong)(uint)p.Item1 << 32) | (uint)p.Item2)));
}
