using System.Text;
using DKV.Consensus.Raft;
using DKV.Core.Stores;
using DKV.Testing.Linearizability.Models;

namespace DKV.Simulation;

/// <summary>
/// The replicated key-value state of one simulated node: keys to values, applied in log order. Deterministic (ordinal sorted keys),
/// with a snapshot format the Raft core carries as opaque bytes.
/// </summary>
internal sealed class KvStateMachine : ISimStateMachine
{
    private readonly SortedDictionary<string, string> _data = new(StringComparer.Ordinal);

    public ulong AppliedIndex { get; private set; }

    public byte[] Encode(ClientRequest request, long leaderTimestampUtcTicks) => KvCommand.Encode(request.Input);

    public ulong Identity(ReadOnlySpan<byte> data) => KvCommand.Hash(data);

    public WriteResult Apply(in LogEntry entry)
    {
        if (entry.Data.IsEmpty)
        {
            Skip(entry.Index);
            return new WriteResult(false, entry.Index);
        }

        return new WriteResult(Apply(entry.Index, KvCommand.Decode(entry.Data.Span)), entry.Index);
    }

    public string? Get(string key, long nowUtcTicks) => Get(key);

    public ulong ContentHash(IEnumerable<string> keys) => ContentHash();

    public void Dispose()
    {
    }

    /// <summary>Applies one committed write and returns the applied flag the client sees.</summary>
    public bool Apply(ulong index, KvInput command)
    {
        if (index <= AppliedIndex)
        {
            throw new InvalidOperationException($"entry {index} applied again after {AppliedIndex}");
        }

        AppliedIndex = index;
        _data.TryGetValue(command.Key, out string? current);
        switch (command.Kind)
        {
            case KvOperationKind.Set:
                _data[command.Key] = command.Value!;
                return true;
            case KvOperationKind.Delete:
                return _data.Remove(command.Key);
            case KvOperationKind.SetIfUnset when current is null:
                _data[command.Key] = command.Value!;
                return true;
            case KvOperationKind.CompareAndDelete when current is not null && current == command.Value:
                _data.Remove(command.Key);
                return true;
            case KvOperationKind.SetIfUnset or KvOperationKind.CompareAndDelete:
                return false;
            default:
                throw new InvalidOperationException($"entry {index} holds a {command.Kind}, which is not a write");
        }
    }

    /// <summary>Marks an entry with no command (a leader's no-op) as applied.</summary>
    public void Skip(ulong index)
    {
        if (index <= AppliedIndex)
        {
            throw new InvalidOperationException($"entry {index} applied again after {AppliedIndex}");
        }

        AppliedIndex = index;
    }

    public string? Get(string key) => _data.TryGetValue(key, out string? value) ? value : null;

    public byte[] Save()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(_data.Count);
            foreach ((string key, string value) in _data)
            {
                writer.Write(key);
                writer.Write(value);
            }
        }

        return stream.ToArray();
    }

    public void Load(ReadOnlyMemory<byte> snapshot, ulong index)
    {
        _data.Clear();
        using var stream = new MemoryStream(snapshot.ToArray());
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        if (snapshot.Length > 0)
        {
            int count = reader.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                _data[reader.ReadString()] = reader.ReadString();
            }
        }

        AppliedIndex = index;
    }

    /// <summary>A hash of the whole content, equal on replicas that applied the same entries.</summary>
    public ulong ContentHash() => KvCommand.Hash(Save());
}
