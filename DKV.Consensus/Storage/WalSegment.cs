namespace DKV.Consensus.Storage;

/// <summary>What the write-ahead log remembers about one segment file: enough to decide when compaction may delete it.</summary>
internal sealed class WalSegment(long sequence, string path)
{
    internal long Sequence { get; } = sequence;

    internal string Path { get; } = path;

    /// <summary>The highest entry index each group has in this segment (hard states and markers are re-written on every roll).</summary>
    internal Dictionary<ulong, ulong> MaxIndexByGroup { get; } = new();

    internal void NoteEntries(ulong groupId, ulong lastIndex)
    {
        if (!MaxIndexByGroup.TryGetValue(groupId, out ulong current) || lastIndex > current)
        {
            MaxIndexByGroup[groupId] = lastIndex;
        }
    }
}
