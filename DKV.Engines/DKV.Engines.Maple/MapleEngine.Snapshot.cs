using System.Text;
using DKV.Core.Errors;
using DKV.Core.Storage;

namespace DKV.Engines.Maple;

/// <summary>Snapshots: a consistent image written with writers briefly gated, and a load that checks everything before replacing.</summary>
public sealed partial class MapleEngine
{
    /// <inheritdoc/>
    /// <remarks>
    /// Writers are held off only while references to the (immutable) entries are copied; serialization happens after the gate
    /// opens. Readers are never blocked. Expired and deleted entries not yet collected are written as they are, so a round trip
    /// reproduces every read exactly. The format is described on <c>SnapshotFormat</c>; see also <see cref="Load"/>.
    /// </remarks>
    public ulong Save(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ObjectDisposedException.ThrowIf(_disposed, this);
        (ulong writeIndex, KeyValuePair<string, Entry>[] entries) = Capture();
        using var writer = new SnapshotWriter(destination);
        writer.WriteBytes(SnapshotFormat.Magic);
        writer.WriteUInt16(SnapshotFormat.Version);
        writer.WriteUInt16(0);
        writer.WriteUInt64(writeIndex);
        writer.WriteUInt64((ulong)entries.Length);
        byte[] keyBuffer = [];
        foreach ((string key, Entry entry) in entries)
        {
            int keyLength = s_strictUtf8.GetByteCount(key);
            if (keyBuffer.Length < keyLength)
            {
                keyBuffer = new byte[Math.Max(keyLength, 256)];
            }

            s_strictUtf8.GetBytes(key, keyBuffer);
            writer.WriteUInt32((uint)keyLength);
            writer.WriteBytes(keyBuffer.AsSpan(0, keyLength));
            writer.WriteUInt32((uint)entry.Value.Length);
            writer.WriteBytes(entry.Value.Span);
            writer.WriteInt64(entry.ExpireAtUtcTicks);
            writer.WriteInt64(entry.DeleteAtUtcTicks);
            writer.WriteUInt64(entry.Index);
        }

        writer.Finish();
        return writeIndex;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The snapshot is parsed into new shards while its checksum is computed; only when magic, version, every length (against the
    /// configured limits and, for seekable streams, the bytes left), every deadline, key uniqueness, entry indexes (never above the
    /// snapshot's write index), the entry count and the checksum are all good are the new shards swapped in, atomically for readers
    /// and writers. On a seekable stream, bytes after the snapshot are left unread.
    /// </remarks>
    public ulong Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(_disposed, this);
        EngineState state;
        ulong writeIndex;
        using (var reader = new SnapshotReader(source))
        {
            (writeIndex, state) = ReadSnapshot(reader);
            reader.ReturnUnread();
        }

        ReplaceState(state, writeIndex);
        return writeIndex;
    }

    /// <summary>The most entries a load sizes its dictionary for when the stream cannot confirm the declared count.</summary>
    private const int UntrustedPresizeEntries = 1 << 16;

    private (ulong WriteIndex, KeyValuePair<string, Entry>[] Entries) Capture()
    {
        EngineState state = LockAll();
        try
        {
            long total = 0;
            foreach (Shard shard in state.Shards)
            {
                total += shard.Count;
            }

            var entries = new KeyValuePair<string, Entry>[total];
            int next = 0;
            foreach (KeyValuePair<string, Entry> pair in state.Map)
            {
                if (next == entries.Length)
                {
                    throw new InvalidOperationException($"maple invariant broken: shards count {total} entries but the map holds more");
                }

                entries[next++] = pair;
            }

            if (next != entries.Length)
            {
                throw new InvalidOperationException($"maple invariant broken: shards count {total} entries but the map holds {next}");
            }

            return (Volatile.Read(ref _writeIndex), entries);
        }
        finally
        {
            UnlockAll(state);
        }
    }

    private (ulong WriteIndex, EngineState State) ReadSnapshot(SnapshotReader reader)
    {
        reader.ExpectMagic(SnapshotFormat.Magic);
        ushort version = reader.ReadUInt16("the format version");
        if (version != SnapshotFormat.Version)
        {
            throw SnapshotReader.Corrupt($"unsupported format version {version} (this engine reads version {SnapshotFormat.Version})");
        }

        ushort flags = reader.ReadUInt16("the flags");
        if (flags != 0)
        {
            throw SnapshotReader.Corrupt($"unknown flags 0x{flags:X4} (this engine knows none)");
        }

        ulong writeIndex = reader.ReadUInt64("the write index");
        ulong count = reader.ReadUInt64("the entry count");
        long? remaining = reader.Remaining;
        ulong fitting = remaining is long left ? (ulong)(left / SnapshotFormat.EntryFixedBytes) : ulong.MaxValue;
        if (count > (ulong)_options.MaxSnapshotEntries || count > fitting)
        {
            throw SnapshotReader.Corrupt(
                $"entry count {count} exceeds what the stream can hold ({fitting}) or the limit MaxSnapshotEntries = {_options.MaxSnapshotEntries}");
        }

        // Size the dictionary for the declared count so loading does not rehash as it grows, but never trust an unchecked
        // count (non-seekable stream) with more than a modest allocation.
        long trusted = remaining is null ? Math.Min((long)count, UntrustedPresizeEntries) : (long)count;
        var state = new EngineState(_options.ShardCount, (int)Math.Clamp(Math.Max(trusted, _options.InitialCapacity), 0, Array.MaxLength));
        for (ulong i = 0; i < count; i++)
        {
            ReadEntry(reader, state, i, writeIndex);
        }

        reader.ExpectChecksum();
        return (writeIndex, state);
    }

    private void ReadEntry(SnapshotReader reader, EngineState state, ulong number, ulong writeIndex)
    {
        string key = DecodeKey(reader.ReadBytes(CheckedLength(reader.ReadUInt32("a key length"), _options.MaxKeyBytes, "key", number), $"key of entry {number}"), number);
        int valueLength = CheckedLength(reader.ReadUInt32("a value length"), _options.MaxValueBytes, "value", number);
        byte[] value = reader.ReadBytes(valueLength, $"value of entry {number}");
        long expireAt = reader.ReadInt64("an expire deadline");
        long deleteAt = reader.ReadInt64("a delete deadline");
        ulong index = reader.ReadUInt64("an entry index");
        if (!SnapshotFormat.IsValidDeadline(expireAt) || !SnapshotFormat.IsValidDeadline(deleteAt))
        {
            throw SnapshotReader.Corrupt($"entry {number} has invalid deadlines (expire {expireAt}, delete {deleteAt})");
        }

        if (index > writeIndex)
        {
            throw SnapshotReader.Corrupt($"entry {number} has index {index}, above the snapshot's write index {writeIndex}");
        }

        if (!state.ShardOf(key).TryAddLoaded(key, new Entry(value, expireAt, deleteAt, index)))
        {
            throw SnapshotReader.Corrupt($"entry {number} repeats the key '{Abbreviate(key)}'");
        }
    }

    private static int CheckedLength(uint length, int limit, string what, ulong number)
    {
        if (length > (uint)limit)
        {
            throw SnapshotReader.Corrupt($"entry {number} declares a {what} of {length} bytes, above the limit of {limit}");
        }

        return (int)length;
    }

    private static string DecodeKey(byte[] bytes, ulong number)
    {
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new DkvException(DkvErrorCode.Corrupt, $"maple snapshot is corrupt: key of entry {number} is not valid UTF-8; restore it from an intact copy", ex);
        }
    }
}
