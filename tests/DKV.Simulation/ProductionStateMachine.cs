using System.Buffers.Binary;
using System.Text;
using DKV.Consensus.Raft;
using DKV.Consensus.StateMachine;
using DKV.Core.Stores;
using DKV.Engines.Maple;
using DKV.Testing.Linearizability.Models;
using ProductKvCommand = DKV.Consensus.StateMachine.KvCommand;
using ProductKvStateMachine = DKV.Consensus.StateMachine.KvStateMachine;

namespace DKV.Simulation;

/// <summary>
/// The product's replicated state machine (<see cref="ProductKvStateMachine"/> with its client sessions) over the Maple engine,
/// behind the simulator's node loop. Writes are encoded with <see cref="KvCommandCodec"/> and carry the client's session, so
/// retried writes are applied at most once.
/// </summary>
internal sealed class ProductionStateMachine : ISimStateMachine
{
    private readonly MapleEngine _engine = new();
    private readonly ProductKvStateMachine _machine;

    public ProductionStateMachine(KvSessionOptions sessions, bool plantIgnoreSessions = false) =>
        _machine = new ProductKvStateMachine(_engine, sessions) { PlantedIgnoreSessions = plantIgnoreSessions };

    public ulong AppliedIndex => _machine.AppliedIndex;

    /// <summary>The identity of a session write: the same for every retry of it.</summary>
    public static ulong SessionIdentity(ulong session, ulong sequence)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, session);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], sequence);
        return KvCommand.Hash(bytes);
    }

    public byte[] Encode(ClientRequest request, long leaderTimestampUtcTicks)
    {
        KvInput input = request.Input;
        byte[] value = Encoding.UTF8.GetBytes(input.Value ?? string.Empty);
        (KvOperation operation, byte[] newValue, byte[] expected) = input.Kind switch
        {
            KvOperationKind.Set => (KvOperation.Set, value, Array.Empty<byte>()),
            KvOperationKind.Delete => (KvOperation.Delete, [], []),
            KvOperationKind.SetIfUnset => (KvOperation.SetEIfUnset, value, []),
            KvOperationKind.CompareAndDelete => (KvOperation.CompareAndDelete, [], value),
            _ => throw new InvalidOperationException($"a {input.Kind} is not a write"),
        };
        var command = new ProductKvCommand(operation, input.Key, newValue, expected, TimeSpan.Zero, TimeSpan.Zero,
            leaderTimestampUtcTicks, request.Session, request.Sequence, request.AcknowledgedBelow);
        return KvCommandCodec.Encode(command);
    }

    public ulong Identity(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return KvCommand.Hash(data);
        }

        ProductKvCommand command = KvCommandCodec.Decode(data.ToArray());
        return command.ClientId != 0 ? SessionIdentity(command.ClientId, command.Sequence) : KvCommand.Hash(data);
    }

    public WriteResult Apply(in LogEntry entry) => _machine.Apply(entry);

    public string? Get(string key, long nowUtcTicks) =>
        _machine.Get(key, nowUtcTicks) is { Found: true } read ? Encoding.UTF8.GetString(read.Value.Span) : null;

    public byte[] Save()
    {
        using var stream = new MemoryStream();
        _machine.SaveSnapshot(stream);
        return stream.ToArray();
    }

    public void Load(ReadOnlyMemory<byte> snapshot, ulong index)
    {
        using var stream = new MemoryStream(snapshot.ToArray(), writable: false);
        ulong restored = _machine.RestoreSnapshot(stream);
        if (restored != index)
        {
            throw new InvalidOperationException($"snapshot image says index {restored} but its metadata says {index}");
        }
    }

    public ulong ContentHash(IEnumerable<string> keys)
    {
        ulong hash = 14695981039346656037UL ^ (ulong)_machine.SessionCount;
        foreach (string key in keys.Order(StringComparer.Ordinal))
        {
            string? value = Get(key, 0);
            hash = (hash ^ KvCommand.Hash(Encoding.UTF8.GetBytes($"{key}={value ?? "<none>"}"))) * 1099511628211UL;
        }

        return hash;
    }

    public void Dispose() => _engine.Dispose();
}
