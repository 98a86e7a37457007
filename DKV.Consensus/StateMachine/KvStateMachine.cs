using System.Buffers.Binary;
using DKV.Consensus.Raft;
using DKV.Core.Errors;
using DKV.Core.Storage;
using DKV.Core.Stores;

namespace DKV.Consensus.StateMachine;

/// <summary>
/// The key-value state machine over any <see cref="IKVDB"/>: applies <see cref="KvCommand"/> entries with
/// <see cref="WriteStamp"/>(entry index, leader timestamp), so every replica computes the same deadlines.
/// </summary>
/// <remarks>
/// Apply and snapshot calls come from one thread (the group's apply loop). <see cref="Get"/> and <see cref="Has"/> may run
/// concurrently with them (the engine is thread-safe); for a linearizable read, obtain a <see cref="ReadState"/> through
/// <see cref="RaftNode.ReadIndex"/> and read once <see cref="AppliedIndex"/> has reached its index.
/// The engine is owned by the caller; this class does not dispose it.
/// </remarks>
public sealed class KvStateMachine : IStateMachine
{
    private const uint SnapshotMagic = 0x4B565331; // "KVS1"
    private readonly IKVDB _engine;
    private ulong _appliedIndex;

    /// <summary>Wraps <paramref name="engine"/>; its content must correspond to <see cref="AppliedIndex"/> 0 (empty) or be restored.</summary>
    public KvStateMachine(IKVDB engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
    }

    /// <inheritdoc/>
    public ulong AppliedIndex => Volatile.Read(ref _appliedIndex);

    /// <summary>The engine under this state machine.</summary>
    public IKVDB Engine => _engine;

    /// <inheritdoc/>
    public WriteResult Apply(in LogEntry entry)
    {
        ulong expected = _appliedIndex + 1;
        if (entry.Index != expected)
        {
            throw new RaftSafetyException($"KV state machine expected entry {expected} but was given {entry.Index}");
        }

        bool applied = false;
        if (entry.Type == EntryType.Normal && !entry.Data.IsEmpty)
        {
            applied = Execute(KvCommandCodec.Decode(entry.Data), entry.Index);
        }

        Volatile.Write(ref _appliedIndex, entry.Index);
        return new WriteResult(applied, entry.Index);
    }

    /// <summary>Reads a value as of <paramref name="nowUtcTicks"/> (see the remarks for linearizable use).</summary>
    public ReadResult Get(string key, long nowUtcTicks) => _engine.Get(key, nowUtcTicks);

    /// <summary>Whether a key is present and not deleted as of <paramref name="nowUtcTicks"/>.</summary>
    public bool Has(string key, long nowUtcTicks) => _engine.Has(key, nowUtcTicks);

    /// <inheritdoc/>
    public ulong SaveSnapshot(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(header, SnapshotMagic);
        BinaryPrimitives.WriteUInt64LittleEndian(header[4..], _appliedIndex);
        destination.Write(header);
        _engine.Save(destination);
        return _appliedIndex;
    }

    /// <inheritdoc/>
    public ulong RestoreSnapshot(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Span<byte> header = stackalloc byte[12];
        source.ReadExactly(header);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != SnapshotMagic)
        {
            throw new DkvException(DkvErrorCode.Corrupt, "KV state machine snapshot has a bad header; it was damaged or is not a KV snapshot");
        }

        ulong index = BinaryPrimitives.ReadUInt64LittleEndian(header[4..]);
        _engine.Load(source);
        Volatile.Write(ref _appliedIndex, index);
        return index;
    }

    private bool Execute(in KvCommand command, ulong index)
    {
        var stamp = new WriteStamp(index, command.LeaderTimestampUtcTicks);
        return command.Operation switch
        {
            KvOperation.Set => _engine.Set(command.Key, command.Value, stamp),
            KvOperation.SetE => _engine.SetE(command.Key, command.Value, stamp.DeadlineAfter(command.ExpireAfter), stamp.DeadlineAfter(command.DeleteAfter), stamp),
            KvOperation.SetEIfUnset => _engine.SetEIfUnset(command.Key, command.Value, stamp.DeadlineAfter(command.ExpireAfter), stamp.DeadlineAfter(command.DeleteAfter), stamp),
            KvOperation.CompareAndSetE => _engine.CompareAndSetE(command.Key, command.Expected.Span, command.Value, stamp.DeadlineAfter(command.ExpireAfter), stamp.DeadlineAfter(command.DeleteAfter), stamp),
            KvOperation.Expire => _engine.Expire(command.Key, stamp),
            KvOperation.Delete => _engine.Delete(command.Key, stamp),
            KvOperation.CompareAndDelete => _engine.CompareAndDelete(command.Key, command.Expected.Span, stamp),
            _ => throw new DkvException(DkvErrorCode.Corrupt, $"KV command operation {command.Operation} at index {index} is unknown"),
        };
    }
}
