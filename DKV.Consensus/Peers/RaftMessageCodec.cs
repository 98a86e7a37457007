using DKV.Consensus.Raft;

namespace DKV.Consensus.Peers;

/// <summary>
/// The binary form of a <see cref="RaftMessage"/> on the peer wire (little-endian, fixed-width fields):
/// type u8; group, from, to, term, log term, index, commit, reject hint, context u64; flags u8 (1 reject, 2 transfer,
/// 4 snapshot); entry count u32 and per entry index u64, term u64, type u8, length u32, data; with a snapshot: index u64,
/// term u64, voter count u32, voters u64 each, data length u32, data. Decoding checks every count and length against
/// the bytes present before allocating, and throws a typed <see cref="Core.Errors.DkvException"/> on anything malformed.
/// </summary>
/// <remarks>Thread-safe (stateless).</remarks>
public static class RaftMessageCodec
{
    /// <summary>Bytes of a message with no entries and no snapshot.</summary>
    public const int FixedBytes = 1 + (9 * 8) + 1 + 4;

    private const int EntryHeaderBytes = 8 + 8 + 1 + 4;
    private const int SnapshotHeaderBytes = 8 + 8 + 4 + 4;
    private const byte FlagReject = 1;
    private const byte FlagTransfer = 2;
    private const byte FlagSnapshot = 4;

    /// <summary>The exact size <see cref="Encode"/> writes for <paramref name="message"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="includeSnapshotData">False to leave the snapshot's data out (it travels in chunks after the header).</param>
    public static long GetEncodedSize(RaftMessage message, bool includeSnapshotData = true)
    {
        ArgumentNullException.ThrowIfNull(message);
        long size = FixedBytes;
        foreach (LogEntry entry in message.Entries.Span)
        {
            size += EntryHeaderBytes + entry.Data.Length;
        }

        if (message.Snapshot is { } snapshot)
        {
            size += SnapshotHeaderBytes + (8L * (snapshot.Metadata.Voters?.Length ?? 0));
            size += includeSnapshotData ? snapshot.Data.Length : 0;
        }

        return size;
    }

    /// <summary>Writes <paramref name="message"/> into <paramref name="destination"/>, which holds at least <see cref="GetEncodedSize"/> bytes.</summary>
    /// <returns>The bytes written.</returns>
    public static int Encode(RaftMessage message, Span<byte> destination, bool includeSnapshotData = true)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, GetEncodedSize(message, includeSnapshotData));
        var writer = new WireWriter(destination);
        writer.WriteByte((byte)message.Type);
        writer.WriteUInt64(message.GroupId);
        writer.WriteUInt64(message.From);
        writer.WriteUInt64(message.To);
        writer.WriteUInt64(message.Term);
        writer.WriteUInt64(message.LogTerm);
        writer.WriteUInt64(message.Index);
        writer.WriteUInt64(message.Commit);
        writer.WriteUInt64(message.RejectHint);
        writer.WriteUInt64(message.Context);
        byte flags = (byte)((message.Reject ? FlagReject : 0) | (message.Transfer ? FlagTransfer : 0) | (message.Snapshot is null ? 0 : FlagSnapshot));
        writer.WriteByte(flags);
        ReadOnlySpan<LogEntry> entries = message.Entries.Span;
        writer.WriteUInt32((uint)entries.Length);
        foreach (LogEntry entry in entries)
        {
            writer.WriteUInt64(entry.Index);
            writer.WriteUInt64(entry.Term);
            writer.WriteByte((byte)entry.Type);
            writer.WriteUInt32((uint)entry.Data.Length);
            writer.WriteBytes(entry.Data.Span);
        }

        if (message.Snapshot is { } snapshot)
        {
            ulong[] voters = snapshot.Metadata.Voters ?? [];
            writer.WriteUInt64(snapshot.Metadata.Index);
            writer.WriteUInt64(snapshot.Metadata.Term);
            writer.WriteUInt32((uint)voters.Length);
            foreach (ulong voter in voters)
            {
                writer.WriteUInt64(voter);
            }

            ReadOnlySpan<byte> data = includeSnapshotData ? snapshot.Data.Span : default;
            writer.WriteUInt32((uint)data.Length);
            writer.WriteBytes(data);
        }

        return writer.Written;
    }

    /// <summary>Reads one message from the start of <paramref name="source"/>; entry and snapshot bytes are copied out.</summary>
    /// <param name="source">The encoded bytes (more may follow).</param>
    /// <param name="consumed">The bytes the message took.</param>
    /// <param name="snapshotData">When not null, the snapshot's data (reassembled from chunks) instead of the encoded data.</param>
    /// <exception cref="Core.Errors.DkvException">Truncated or malformed input (<see cref="Core.Errors.DkvErrorCode.MalformedMessage"/>).</exception>
    public static RaftMessage Decode(ReadOnlySpan<byte> source, out int consumed, ReadOnlyMemory<byte>? snapshotData = null)
    {
        var reader = new WireReader(source, "Raft message");
        byte type = reader.ReadByte();
        if (type is < (byte)RaftMessageType.Append or > (byte)RaftMessageType.TimeoutNow)
        {
            throw reader.Malformed($"message type {type} is unknown (known: 1-12)");
        }

        ulong groupId = reader.ReadUInt64();
        ulong from = reader.ReadUInt64();
        ulong to = reader.ReadUInt64();
        ulong term = reader.ReadUInt64();
        ulong logTerm = reader.ReadUInt64();
        ulong index = reader.ReadUInt64();
        ulong commit = reader.ReadUInt64();
        ulong rejectHint = reader.ReadUInt64();
        ulong context = reader.ReadUInt64();
        byte flags = reader.ReadByte();
        if ((flags & ~(FlagReject | FlagTransfer | FlagSnapshot)) != 0)
        {
            throw reader.Malformed($"flags 0x{flags:X2} has unknown bits");
        }

        LogEntry[] entries = ReadEntries(ref reader);
        RaftSnapshot? snapshot = (flags & FlagSnapshot) != 0 ? ReadSnapshot(ref reader, snapshotData) : null;
        consumed = reader.Consumed;
        return new RaftMessage
        {
            Type = (RaftMessageType)type,
            GroupId = groupId,
            From = from,
            To = to,
            Term = term,
            LogTerm = logTerm,
            Index = index,
            Commit = commit,
            RejectHint = rejectHint,
            Context = context,
            Reject = (flags & FlagReject) != 0,
            Transfer = (flags & FlagTransfer) != 0,
            Entries = entries,
            Snapshot = snapshot,
        };
    }

    private static LogEntry[] ReadEntries(ref WireReader reader)
    {
        int count = reader.ReadCount(EntryHeaderBytes, "entry count");
        if (count == 0)
        {
            return [];
        }

        var entries = new LogEntry[count];
        for (int i = 0; i < count; i++)
        {
            ulong entryIndex = reader.ReadUInt64();
            ulong entryTerm = reader.ReadUInt64();
            byte entryType = reader.ReadByte();
            if (entryType > (byte)EntryType.ConfigChange)
            {
                throw reader.Malformed($"entry {entryIndex} has unknown type {entryType}");
            }

            int length = (int)Math.Min(reader.ReadUInt32(), int.MaxValue);
            byte[] data = length == 0 ? [] : reader.ReadBytes(length, "entry data").ToArray();
            entries[i] = new LogEntry(entryIndex, entryTerm, (EntryType)entryType, data);
        }

        return entries;
    }

    private static RaftSnapshot ReadSnapshot(ref WireReader reader, ReadOnlyMemory<byte>? snapshotData)
    {
        ulong snapshotIndex = reader.ReadUInt64();
        ulong snapshotTerm = reader.ReadUInt64();
        int voterCount = reader.ReadCount(8, "snapshot voter count");
        var voters = new ulong[voterCount];
        for (int i = 0; i < voterCount; i++)
        {
            voters[i] = reader.ReadUInt64();
        }

        int length = (int)Math.Min(reader.ReadUInt32(), int.MaxValue);
        ReadOnlySpan<byte> inline = reader.ReadBytes(length, "snapshot data");
        ReadOnlyMemory<byte> data = snapshotData ?? (inline.IsEmpty ? ReadOnlyMemory<byte>.Empty : inline.ToArray());
        return new RaftSnapshot(new SnapshotMetadata(snapshotIndex, snapshotTerm, voters), data);
    }
}
