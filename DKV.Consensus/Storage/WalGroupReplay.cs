using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Consensus.Storage;

/// <summary>Rebuilds one group's state while replaying records in log order (the Raft truncation rule and the snapshot rule).</summary>
internal sealed class WalGroupReplay(ulong groupId)
{
    private readonly List<LogEntry> _entries = new();
    private HardState? _hardState;
    private WalSnapshotMarker? _marker;

    internal void SetHardState(HardState state) => _hardState = state;

    internal void ApplyMarker(WalSnapshotMarker marker)
    {
        _marker = marker;
        if (marker.ReplacesLog)
        {
            _entries.Clear();
            return;
        }

        int drop = 0;
        while (drop < _entries.Count && _entries[drop].Index < marker.FirstKeptIndex)
        {
            drop++;
        }

        _entries.RemoveRange(0, drop);
    }

    /// <summary>Appends a batch: an entry at an existing index replaces the log from there on. Throws Corrupt on a gap.</summary>
    /// <remarks>
    /// When older segments were deleted by compaction (<paramref name="logWasCompacted"/>), a group's first batch may start
    /// anywhere; <see cref="ToState"/> then checks that a later snapshot marker covers the missing prefix.
    /// </remarks>
    internal void Append(LogEntry[] batch, string path, long offset, bool logWasCompacted)
    {
        if (batch.Length == 0)
        {
            return;
        }

        ulong first = batch[0].Index;
        int keep = _entries.Count;
        while (keep > 0 && _entries[keep - 1].Index >= first)
        {
            keep--;
        }

        _entries.RemoveRange(keep, _entries.Count - keep);
        ulong expected = _entries.Count > 0 ? _entries[^1].Index + 1 : (_marker?.Index ?? 0) + 1;
        bool anyStart = logWasCompacted && _entries.Count == 0;
        if (first == 0 || (first > expected && !anyStart))
        {
            throw new DkvException(DkvErrorCode.Corrupt,
                $"write-ahead log '{path}' at byte offset {offset}: group {groupId} entries start at index {first} but the log " +
                $"ends at {expected - 1} (a gap); the log is inconsistent — restore this node from a replica");
        }

        _entries.AddRange(batch);
    }

    /// <summary>The replayed state; throws Corrupt when the surviving log does not start where the snapshot marker says.</summary>
    internal WalGroupState ToState(string directory)
    {
        if (_entries.Count > 0)
        {
            ulong start = _entries[0].Index;
            ulong allowed = Math.Max(_marker?.FirstKeptIndex ?? 1, (_marker?.Index ?? 0) + 1);
            if (start > allowed)
            {
                throw new DkvException(DkvErrorCode.Corrupt,
                    $"write-ahead log in '{directory}': group {groupId} log starts at index {start} but its snapshot marker " +
                    $"only covers up to {allowed - 1}; segments are missing — restore this node from a replica");
            }
        }

        return new WalGroupState(groupId, _hardState, _marker, _entries.ToArray());
    }
}
