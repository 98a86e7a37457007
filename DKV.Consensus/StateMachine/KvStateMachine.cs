using System.Buffers.Binary;
using System.Text;
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
/// <para>Apply and snapshot calls come from one thread (the group's apply loop). <see cref="Get"/> and <see cref="Has"/> may run
/// concurrently with them (the engine is thread-safe); for a linearizable read, obtain a <see cref="ReadState"/> through
/// <see cref="RaftNode.ReadIndex"/> and read once <see cref="AppliedIndex"/> has reached its index.</para>
/// <para>The engine is owned by the caller; this class does not dispose it.</para>
/// <para>Writes with a client id are applied at most once: the machine keeps a bounded, replicated table of client sessions
/// (<see cref="KvSessionOptions"/>) that is part of the snapshot.</para>
/// </remarks>
public sealed class KvStateMachine : IStateMachine
{
    private const uint SnapshotMagicV1 = 0x4B565331; // "KVS1": header and engine image
    private const uint SnapshotMagicV2 = 0x4B565332; // "KVS2": header, client sessions, engine image
    private readonly IKVDB _engine;
    private readonly KvSessionOptions _sessionOptions;
    private ClientSessionTable _sessions;
    private ulong _appliedIndex;

    /// <summary>Wraps <paramref name="engine"/>; its content must correspond to <see cref="AppliedIndex"/> 0 (empty) or be restored.</summary>
    public KvStateMachine(IKVDB engine)
        : this(engine, KvSessionOptions.Default)
    {
    }

    /// <summary>Wraps <paramref name="engine"/> with the session bounds <paramref name="sessionOptions"/> (validated here).</summary>
    /// <exception cref="DkvException">An option is out of range (InvalidArgument).</exception>
    public KvStateMachine(IKVDB engine, KvSessionOptions sessionOptions)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(sessionOptions);
        _engine = engine;
        _sessionOptions = sessionOptions;
        _sessions = new ClientSessionTable(sessionOptions);
    }

    /// <inheritdoc/>
    public ulong AppliedIndex => Volatile.Read(ref _appliedIndex);

    /// <summary>The engine under this state machine.</summary>
    public IKVDB Engine => _engine;

    /// <summary>Tests only: a planted defect that ignores client sessions, so retried writes apply again (none by default).</summary>
    internal bool PlantedIgnoreSessions { get; init; }

    /// <summary>How many client sessions are remembered (for status and tests; read from the apply thread).</summary>
    public int SessionCount => _sessions.Count;

    /// <inheritdoc cref="IStateMachine.Apply"/>
    /// <remarks>
    /// <para>For a command with a <see cref="KvCommand.ClientId"/> (not 0) and a <see cref="KvCommand.Sequence"/> (from 1):
    /// a (client, sequence) already applied changes nothing and returns the <b>first</b> outcome (its original index and applied
    /// flag). A sequence below the session's floor (the client acknowledged it through <see cref="KvCommand.AcknowledgedBelow"/>,
    /// or it was forgotten by the per-session bound) changes nothing and returns <c>WriteResult(false, 0)</c>: index 0 tells the
    /// host "the outcome is no longer known", so the client must not assume the write did or did not happen.</para>
    /// <para>Sequence 0 or client id 0 means no session: the command is applied every time it appears in the log.
    /// A session dropped for idleness or for the session bound starts afresh, so only retries within
    /// <see cref="KvSessionOptions.SessionIdleTimeout"/> are guaranteed to be de-duplicated.</para>
    /// </remarks>
    public WriteResult Apply(in LogEntry entry)
    {
        ulong expected = _appliedIndex + 1;
        if (entry.Index != expected)
        {
            throw new RaftSafetyException($"KV state machine expected entry {expected} but was given {entry.Index}");
        }

        var result = new WriteResult(false, entry.Index);
        if (entry.Type == EntryType.Normal && !entry.Data.IsEmpty)
        {
            result = ApplyCommand(KvCommandCodec.Decode(entry.Data), entry.Index);
        }

        Volatile.Write(ref _appliedIndex, entry.Index);
        return result;
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
        BinaryPrimitives.WriteUInt32LittleEndian(header, SnapshotMagicV2);
        BinaryPrimitives.WriteUInt64LittleEndian(header[4..], _appliedIndex);
        destination.Write(header);
        using (var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true))
        {
            _sessions.WriteTo(writer);
        }

        _engine.Save(destination);
        return _appliedIndex;
    }

    /// <inheritdoc/>
    public ulong RestoreSnapshot(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Span<byte> header = stackalloc byte[12];
        source.ReadExactly(header);
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (magic is not SnapshotMagicV1 and not SnapshotMagicV2)
        {
            throw new DkvException(DkvErrorCode.Corrupt,
                $"KV state machine snapshot has a bad header (0x{magic:X8}); it was damaged or is not a KV snapshot");
        }

        ulong index = BinaryPrimitives.ReadUInt64LittleEndian(header[4..]);
        ClientSessionTable sessions = new(_sessionOptions);
        if (magic == SnapshotMagicV2)
        {
            using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
            sessions = ClientSessionTable.ReadFrom(reader, _sessionOptions);
        }

        _engine.Load(source);
        _sessions = sessions;
        Volatile.Write(ref _appliedIndex, index);
        return index;
    }

    private WriteResult ApplyCommand(in KvCommand command, ulong index)
    {
        _sessions.AdvanceTime(command.LeaderTimestampUtcTicks);
        if (command.ClientId == 0 || command.Sequence == 0 || PlantedIgnoreSessions)
        {
            return new WriteResult(Execute(command, index), index);
        }

        if (_sessions.TryGetOutcome(command.ClientId, command.Sequence, command.AcknowledgedBelow, out WriteResult first))
        {
            return first;
        }

        var result = new WriteResult(Execute(command, index), index);
        _sessions.Remember(command.ClientId, command.Sequence, result);
        return result;
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
