using System.Text;
using DKV.Core.Errors;
using DKV.Core.Storage;

namespace DKV.Consensus.Tests.Core;

/// <summary>A tiny, obviously correct <see cref="IKVDB"/> for state-machine tests (the Maple engine is built elsewhere).</summary>
public sealed class DictionaryKvdb : IKVDB
{
    private readonly Dictionary<string, (byte[] Value, long ExpireAt, long DeleteAt, ulong Index)> _entries = [];

    public string Name => "dictionary";

    public EngineFeatures Features => EngineFeatures.All;

    public ulong WriteIndex { get; private set; }

    public bool Set(string key, ReadOnlyMemory<byte> value, WriteStamp stamp) => SetE(key, value, 0, 0, stamp);

    public bool SetE(string key, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp)
    {
        if (!Order(key, stamp))
        {
            return false;
        }

        _entries[key] = (value.ToArray(), expireAtUtcTicks, deleteAtUtcTicks, stamp.Index);
        return true;
    }

    public bool SetEIfUnset(string key, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp) =>
        !Has(key, stamp.TimeUtcTicks) && SetE(key, value, expireAtUtcTicks, deleteAtUtcTicks, stamp);

    public bool CompareAndSetE(string key, ReadOnlySpan<byte> expected, ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, WriteStamp stamp) =>
        Get(key, stamp.TimeUtcTicks) is { Found: true } current && current.Value.Span.SequenceEqual(expected)
        && SetE(key, value, expireAtUtcTicks, deleteAtUtcTicks, stamp);

    public bool Expire(string key, WriteStamp stamp)
    {
        if (!Get(key, stamp.TimeUtcTicks).Found || !Order(key, stamp))
        {
            return false;
        }

        var e = _entries[key];
        _entries[key] = (e.Value, stamp.TimeUtcTicks, e.DeleteAt, stamp.Index);
        return true;
    }

    public bool Delete(string key, WriteStamp stamp) => Has(key, stamp.TimeUtcTicks) && Order(key, stamp) && _entries.Remove(key);

    public bool CompareAndDelete(string key, ReadOnlySpan<byte> expected, WriteStamp stamp) =>
        Get(key, stamp.TimeUtcTicks) is { Found: true } current && current.Value.Span.SequenceEqual(expected) && Delete(key, stamp);

    public ReadResult Get(string key, long nowUtcTicks) =>
        _entries.TryGetValue(key, out var e) && Live(e.DeleteAt, nowUtcTicks) && Live(e.ExpireAt, nowUtcTicks)
            ? new ReadResult(true, e.Value, e.Index)
            : ReadResult.NotFound;

    public bool Has(string key, long nowUtcTicks) => _entries.TryGetValue(key, out var e) && Live(e.DeleteAt, nowUtcTicks);

    public int Collect(long nowUtcTicks, int maxEntries) => 0;

    public ulong Save(Stream destination)
    {
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(WriteIndex);
        writer.Write(_entries.Count);
        foreach (var (key, e) in _entries.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.Write(key);
            writer.Write(e.Value.Length);
            writer.Write(e.Value);
            writer.Write(e.ExpireAt);
            writer.Write(e.DeleteAt);
            writer.Write(e.Index);
        }

        return WriteIndex;
    }

    public ulong Load(Stream source)
    {
        try
        {
            using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
            ulong index = reader.ReadUInt64();
            int count = reader.ReadInt32();
            var loaded = new Dictionary<string, (byte[], long, long, ulong)>();
            for (int i = 0; i < count; i++)
            {
                string key = reader.ReadString();
                byte[] value = reader.ReadBytes(reader.ReadInt32());
                loaded[key] = (value, reader.ReadInt64(), reader.ReadInt64(), reader.ReadUInt64());
            }

            _entries.Clear();
            foreach (var (k, v) in loaded)
            {
                _entries[k] = v;
            }

            WriteIndex = index;
            return index;
        }
        catch (EndOfStreamException ex)
        {
            throw new DkvException(DkvErrorCode.Corrupt, "dictionary snapshot is truncated", ex);
        }
    }

    public EngineInfo GetInfo() => new(Name, _entries.Count, 0, WriteIndex, Features, new Dictionary<string, string>());

    public void Dispose()
    {
    }

    private static bool Live(long deadline, long now) => deadline == 0 || now < deadline;

    private bool Order(string key, WriteStamp stamp)
    {
        WriteIndex = Math.Max(WriteIndex, stamp.Index);
        return !_entries.TryGetValue(key, out var e) || e.Index <= stamp.Index;
    }
}
