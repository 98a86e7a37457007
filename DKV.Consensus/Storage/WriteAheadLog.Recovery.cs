using System.Buffers.Binary;
using System.Globalization;
using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Consensus.Storage;

/// <summary>
/// Opening side: replay every segment in order; an all-zero rest of a segment is its zero fill (a clean end); a damaged record at
/// the end of the last segment is a torn tail (cut off and reported), anywhere else it stops the open with
/// <see cref="DkvErrorCode.Corrupt"/>.
/// </summary>
public sealed partial class WriteAheadLog
{
    private void Recover()
    {
        _fs.CreateDirectory(_options.Directory);
        List<(long Sequence, string Path)> files = ListSegments();
        var groups = new Dictionary<ulong, WalGroupReplay>();
        _firstSegmentSequence = files.Count > 0 ? files[0].Sequence : 1;
        long dataEnd = 0;
        for (int i = 0; i < files.Count; i++)
        {
            if (i > 0 && files[i].Sequence != files[i - 1].Sequence + 1)
            {
                throw new DkvException(DkvErrorCode.Corrupt,
                    $"write-ahead log segment {files[i - 1].Sequence + 1} is missing between '{files[i - 1].Path}' and " +
                    $"'{files[i].Path}'; the log is incomplete — restore this node from a replica");
            }

            var segment = new WalSegment(files[i].Sequence, files[i].Path);
            dataEnd = ReplaySegment(segment, groups, isLast: i == files.Count - 1);
            _segments.Add(segment);
        }

        var recovered = new Dictionary<ulong, WalGroupState>();
        foreach (KeyValuePair<ulong, WalGroupReplay> group in groups)
        {
            recovered[group.Key] = group.Value.ToState(_options.Directory);
        }

        Recovered = recovered;
        if (_segments.Count == 0)
        {
            CreateSegment(1);
        }
        else
        {
            // Resume at the end of the valid records: after it the file holds only zero fill (a torn tail was cut above).
            _active = _fs.OpenAppend(_segments[^1].Path, dataEnd, ZeroFillChunkBytes);
            _activeDataRecords = 1;
        }
    }

    private List<(long Sequence, string Path)> ListSegments()
    {
        var result = new List<(long, string)>();
        foreach (string name in _fs.ListFiles(_options.Directory))
        {
            if (!name.EndsWith(SegmentExtension, StringComparison.Ordinal))
            {
                continue;
            }

            string stem = name[..^SegmentExtension.Length];
            if (stem.Length != 20 || !long.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out long sequence))
            {
                throw new DkvException(DkvErrorCode.Corrupt,
                    $"unexpected file '{name}' in write-ahead log directory '{_options.Directory}'; remove it or move it elsewhere");
            }

            result.Add((sequence, Path.Combine(_options.Directory, name)));
        }

        result.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return result;
    }

    /// <summary>Replays one segment; returns where its valid records end (the file may go on with zero fill).</summary>
    private long ReplaySegment(WalSegment segment, Dictionary<ulong, WalGroupReplay> groups, bool isLast)
    {
        byte[] data = _fs.ReadAll(segment.Path);
        long offset = 0;
        while (offset < data.Length)
        {
            string? damage = CheckRecord(data, offset, out int payloadBytes);
            if (damage is not null)
            {
                // Segments are zero-filled ahead of their data (IWalFile): an all-zero rest is where the records end.
                if (!data.AsSpan((int)offset).ContainsAnyExcept((byte)0))
                {
                    return offset;
                }

                HandleDamage(segment.Path, data, offset, damage, isLast);
                return offset;
            }

            var type = (WalRecordType)data[offset + 8];
            ReadOnlySpan<byte> payload = data.AsSpan((int)offset + WalRecordCodec.HeaderBytes, payloadBytes);
            ApplyRecord(segment, groups, type, payload, offset);
            offset += WalRecordCodec.HeaderBytes + payloadBytes;
        }

        return offset;
    }

    /// <summary>Null when a whole, checksum-valid record of a known type starts at <paramref name="offset"/>; else why not.</summary>
    private string? CheckRecord(byte[] data, long offset, out int payloadBytes)
    {
        payloadBytes = 0;
        long remaining = data.Length - offset;
        if (remaining < WalRecordCodec.HeaderBytes)
        {
            return $"incomplete record header ({remaining} of {WalRecordCodec.HeaderBytes} bytes)";
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)offset));
        if (length > (uint)_options.MaxRecordBytes)
        {
            return $"record length {length} exceeds WalOptions.MaxRecordBytes ({_options.MaxRecordBytes})";
        }

        if (WalRecordCodec.HeaderBytes + length > remaining)
        {
            return $"incomplete record ({remaining} of {WalRecordCodec.HeaderBytes + length} bytes)";
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)offset + 4));
        uint actual = WalRecordCodec.Checksum(data.AsSpan((int)offset + 8, 1 + (int)length));
        if (stored != actual)
        {
            return $"checksum mismatch (stored 0x{stored:X8}, computed 0x{actual:X8})";
        }

        byte type = data[offset + 8];
        if (type is < (byte)WalRecordType.HardState or > (byte)WalRecordType.SnapshotMarker)
        {
            return $"unknown record type {type}";
        }

        payloadBytes = (int)length;
        return null;
    }

    /// <summary>
    /// A damaged record is a torn tail only in the last segment and only when no valid record follows it; then the file is cut
    /// there (durably, zero fill included, so the next append fills ahead again) and reported. Anything else is corruption of
    /// synced data and stops the open.
    /// </summary>
    private void HandleDamage(string path, byte[] data, long offset, string damage, bool isLast)
    {
        if (isLast && !ValidRecordFollows(data, offset))
        {
            _fs.Truncate(path, offset);
            long written = data.AsSpan((int)offset).LastIndexOfAnyExcept((byte)0) + 1;
            RecoveryReport = new WalRecoveryReport(path, offset, written, damage);
            return;
        }

        string where = isLast ? "a valid record follows it" : "it is not in the last segment";
        throw new DkvException(DkvErrorCode.Corrupt,
            $"write-ahead log '{path}' is corrupt at byte offset {offset}: {damage}, and {where}, so synced data is damaged; " +
            "the node stops instead of dropping it — restore this node's data directory from a replica");
    }

    /// <summary>
    /// Whether a valid record starts after the damaged one at <paramref name="offset"/>: where its length says when it has one;
    /// anywhere after it when its length reads 0 (a zeroed header: its extent is unknown, and a lost page in front of synced
    /// records must not pass for a torn tail).
    /// </summary>
    private bool ValidRecordFollows(byte[] data, long offset)
    {
        if (data.Length - offset < WalRecordCodec.HeaderBytes)
        {
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)offset));
        if (length == 0)
        {
            return ValidRecordAnywhereAfter(data, offset + 1);
        }

        if (length > (uint)_options.MaxRecordBytes)
        {
            return false;
        }

        long next = offset + WalRecordCodec.HeaderBytes + length;
        return next < data.Length && CheckRecord(data, next, out _) is null;
    }

    /// <summary>Scans every byte position from <paramref name="from"/> on for the start of a whole, checksum-valid record.</summary>
    private bool ValidRecordAnywhereAfter(byte[] data, long from)
    {
        long at = from;
        while (at + WalRecordCodec.HeaderBytes <= data.Length)
        {
            // A record's length is not 0, so one of its four bytes is not: skip runs of zeros (zero fill) to just before the next one.
            int nonZero = data.AsSpan((int)at).IndexOfAnyExcept((byte)0);
            if (nonZero < 0)
            {
                return false;
            }

            at = Math.Max(at, at + nonZero - 3);
            if (data.Length - at < WalRecordCodec.HeaderBytes)
            {
                return false;
            }

            uint length = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)at));
            byte type = data[at + 8];
            bool plausible = length != 0 && length <= (uint)_options.MaxRecordBytes &&
                at + WalRecordCodec.HeaderBytes + length <= data.Length &&
                type is >= (byte)WalRecordType.HardState and <= (byte)WalRecordType.SnapshotMarker;
            if (plausible && CheckRecord(data, at, out _) is null)
            {
                return true;
            }

            at++;
        }

        return false;
    }

    private void ApplyRecord(WalSegment segment, Dictionary<ulong, WalGroupReplay> groups, WalRecordType type,
        ReadOnlySpan<byte> payload, long offset)
    {
        bool ok;
        ulong groupId;
        switch (type)
        {
            case WalRecordType.HardState:
                ok = WalRecordCodec.TryReadHardState(payload, out groupId, out HardState state);
                if (ok)
                {
                    Group(groups, groupId).SetHardState(state);
                    _writtenHardStates[groupId] = state;
                }

                break;
            case WalRecordType.SnapshotMarker:
                ok = WalRecordCodec.TryReadMarker(payload, out groupId, out WalSnapshotMarker marker);
                if (ok)
                {
                    Group(groups, groupId).ApplyMarker(marker);
                    _writtenMarkers[groupId] = marker;
                }

                break;
            default:
                ok = WalRecordCodec.TryReadEntries(payload, out groupId, out LogEntry[] entries) && Consecutive(entries);
                if (ok && entries.Length > 0)
                {
                    Group(groups, groupId).Append(entries, segment.Path, offset, logWasCompacted: _firstSegmentSequence > 1);
                    segment.NoteEntries(groupId, entries[^1].Index);
                }

                break;
        }

        if (!ok)
        {
            throw new DkvException(DkvErrorCode.Corrupt,
                $"write-ahead log '{segment.Path}' at byte offset {offset}: a {type} record passes its checksum but its payload " +
                "is malformed (written by an incompatible version?); restore this node from a replica");
        }
    }

    private static bool Consecutive(LogEntry[] entries)
    {
        for (int i = 1; i < entries.Length; i++)
        {
            if (entries[i].Index != entries[i - 1].Index + 1)
            {
                return false;
            }
        }

        return true;
    }

    private static WalGroupReplay Group(Dictionary<ulong, WalGroupReplay> groups, ulong groupId)
    {
        if (!groups.TryGetValue(groupId, out WalGroupReplay? group))
        {
            group = new WalGroupReplay(groupId);
            groups[groupId] = group;
        }

        return group;
    }
}
