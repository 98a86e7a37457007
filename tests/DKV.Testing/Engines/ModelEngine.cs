using System.Text;
using DKV.Core.Errors;
using DKV.Core.Storage;

namespace DKV.Testing.Engines;

/// <summary>
/// The test oracle: a deliberately plain <see cref="IKVDB"/> (one lock around a dictionary) that follows the contract literally.
/// Slow on purpose; use it to check other engines and to run store and lock tests.
/// </summary>
/// <remarks>
/// Deadline rule: an entry is expired at <c>t</c> when its expire deadline is set and <c>t &gt;= deadline</c>; deleted likewise.
/// Delete removes the entry (no tombstone), so a later write with a lower index recreates the key.
/// Snapshot layout: <c>"DKVMODEL" | u8 version | u64 writeIndex | i32 count | count x (key, value, expireAt, deleteAt, index)
/// | u64 FNV-1a of everything before it</c>.
/// </remarks>
public sealed class ModelEngine : IKVDB
{
    private const byte SnapshotVersion = 1;
    private static readonly byte[] s_magic = "DKVMODEL"u8.ToArray();

    private readonly Lock _gate = new();
    private Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private ulong _writeIndex;
    private bool _disposed;

    public string Name => "model";

    public EngineFeatures Features => EngineFeatures.All;

    public ulong WriteIndex
    {
        get
        {
            lock (_gate)
            {
                return _writeIndex;
            }
        }
    }

    public bool Set(string key, ReadOnlyMemory<byte> value, WriteStamp stamp) =>
        Write(key, stamp, _ => true, _ => new Entry(value, 0, 0, stamp.Index));

    public bool SetE(string key, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp) =>
        Write(key, stamp, _ => true, _ => new Entry(value, expireAtUtcTicks, deleteAtUtcTicks, stamp.Index));

    public bool SetEIfUnset(string key, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp) =>
        Write(key, stamp, old => old is null || old.IsDeleted(stamp.TimeUtcTicks), _ => new Entry(value, expireAtUtcTicks, deleteAtUtcTicks, stamp.Index));

    public bool CompareAndSetE(string key, ReadOnlySpan<byte> expected, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp)
    {
        byte[] expectedCopy = expected.ToArray();
        return Write(
            key,
            stamp,
            old => old is not null && old.IsVisible(stamp.TimeUtcTicks) && old.Value.Span.SequenceEqual(expectedCopy),
            _ => new Entry(value, expireAtUtcTicks, deleteAtUtcTicks, stamp.Index));
    }

    public bool Expire(string key, WriteStamp stamp) =>
        Write(
            key,
            stamp,
            old => old is not null && old.IsVisible(stamp.TimeUtcTicks),
            old => old! with { Value = ReadOnlyMemory<byte>.Empty, ExpireAtUtcTicks = Math.Max(stamp.TimeUtcTicks, 1), Index = stamp.Index });

    public bool Delete(string key, WriteStamp stamp) =>
        Write(key, stamp, old => old is not null && !old.IsDeleted(stamp.TimeUtcTicks), _ => null);

    public bool CompareAndDelete(string key, ReadOnlySpan<byte> expected, WriteStamp stamp)
    {
        byte[] expectedCopy = expected.ToArray();
        return Write(
            key,
            stamp,
            old => old is not null && old.IsVisible(stamp.TimeUtcTicks) && old.Value.Span.SequenceEqual(expectedCopy),
            _ => null);
    }

    public ReadResult Get(string key, long nowUtcTicks)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _entries.TryGetValue(key, out Entry? entry) && entry.IsVisible(nowUtcTicks)
                ? new ReadResult(true, entry.Value, entry.Index)
                : ReadResult.NotFound;
        }
    }

    public bool Has(string key, long nowUtcTicks)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _entries.TryGetValue(key, out Entry? entry) && !entry.IsDeleted(nowUtcTicks);
        }
    }

    public int Collect(long nowUtcTicks, int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxEntries);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int changed = 0;
            foreach ((string key, Entry entry) in _entries.ToList())
            {
                if (changed >= maxEntries)
                {
                    break;
                }

                if (entry.IsDeleted(nowUtcTicks))
                {
                    _entries.Remove(key);
                    changed++;
                }
                else if (entry.IsExpired(nowUtcTicks) && !entry.Value.IsEmpty)
                {
                    _entries[key] = entry with { Value = ReadOnlyMemory<byte>.Empty };
                    changed++;
                }
            }

            return changed;
        }
    }

    public ulong Save(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var body = new MemoryStream();
        ulong index;
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                index = _writeIndex;
                writer.Write(s_magic);
                writer.Write(SnapshotVersion);
                writer.Write(_writeIndex);
                writer.Write(_entries.Count);
                foreach ((string key, Entry entry) in _entries)
                {
                    writer.Write(key);
                    writer.Write(entry.Value.Length);
                    writer.Write(entry.Value.Span);
                    writer.Write(entry.ExpireAtUtcTicks);
                    writer.Write(entry.DeleteAtUtcTicks);
                    writer.Write(entry.Index);
                }
            }

            writer.Write(Fnv1a(body.GetBuffer().AsSpan(0, (int)body.Length)));
        }

        body.Position = 0;
        body.CopyTo(destination);
        return index;
    }

    public ulong Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var buffer = new MemoryStream();
        source.CopyTo(buffer);
        byte[] bytes = buffer.ToArray();
        (Dictionary<string, Entry> entries, ulong index) = Parse(bytes);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _entries = entries;
            _writeIndex = index;
        }

        return index;
    }

    public EngineInfo GetInfo()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            long size = _entries.Sum(e => (long)Encoding.UTF8.GetByteCount(e.Key) + e.Value.Value.Length);
            return new EngineInfo(Name, _entries.Count, size, _writeIndex, Features, new Dictionary<string, string>());
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _entries.Clear();
        }
    }

    private static (Dictionary<string, Entry> Entries, ulong Index) Parse(byte[] bytes)
    {
        if (bytes.Length < s_magic.Length + 1 + 8 + 4 + 8)
        {
            throw Corrupt($"snapshot is {bytes.Length} bytes, shorter than the smallest valid one");
        }

        ulong stored = BitConverter.ToUInt64(bytes, bytes.Length - 8);
        if (stored != Fnv1a(bytes.AsSpan(0, bytes.Length - 8)))
        {
            throw Corrupt("snapshot checksum does not match its content");
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 8), Encoding.UTF8);
            if (!reader.ReadBytes(s_magic.Length).AsSpan().SequenceEqual(s_magic) || reader.ReadByte() != SnapshotVersion)
            {
                throw Corrupt("snapshot is not a model engine snapshot of version 1");
            }

            ulong index = reader.ReadUInt64();
            int count = reader.ReadInt32();
            var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                string key = reader.ReadString();
                byte[] value = reader.ReadBytes(reader.ReadInt32());
                entries[key] = new Entry(value, reader.ReadInt64(), reader.ReadInt64(), reader.ReadUInt64());
            }

            return reader.BaseStream.Position == reader.BaseStream.Length
                ? (entries, index)
                : throw Corrupt("snapshot has trailing bytes after its last entry");
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or ArgumentException or FormatException)
        {
            throw new DkvException(DkvErrorCode.Corrupt, $"model engine snapshot is unreadable ({ex.Message}); take a new snapshot", ex);
        }
    }

    private static DkvException Corrupt(string what) =>
        new(DkvErrorCode.Corrupt, $"model engine: {what}; take a new snapshot with Save");

    private static ulong Fnv1a(ReadOnlySpan<byte> data)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in data)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>Applies one write: stale writes are ignored, otherwise <paramref name="condition"/> decides and <paramref name="next"/> gives the new entry (null removes it).</summary>
    private bool Write(string key, WriteStamp stamp, Func<Entry?, bool> condition, Func<Entry?, Entry?> next)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writeIndex = Math.Max(_writeIndex, stamp.Index);
            Entry? old = _entries.GetValueOrDefault(key);
            if ((old is not null && stamp.Index < old.Index) || !condition(old))
            {
                return false;
            }

            Entry? updated = next(old);
            if (updated is null)
            {
                _entries.Remove(key);
            }
            else
            {
                _entries[key] = updated;
            }

            return true;
        }
    }

    private sealed record Entry(ReadOnlyMemory<byte> Value, long ExpireAtUtcTicks, long DeleteAtUtcTicks, ulong Index)
    {
        public bool IsExpired(long now) => (ExpireAtUtcTicks != 0 && now >= ExpireAtUtcTicks) || IsDeleted(now);

        public bool IsDeleted(long now) => DeleteAtUtcTicks != 0 && now >= DeleteAtUtcTicks;

        public bool IsVisible(long now) => !IsExpired(now);
    }
}
