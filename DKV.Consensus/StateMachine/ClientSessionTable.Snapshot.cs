using DKV.Core.Errors;
using DKV.Core.Stores;

namespace DKV.Consensus.StateMachine;

/// <summary>The session table's part of the state-machine snapshot.</summary>
/// <remarks>
/// Layout (little-endian): <c>[i64 latest leader ticks][u32 session count]</c>, then per session in client-id order
/// <c>[u64 client id][u64 floor][i64 last active ticks][u32 result count]</c> and per result in sequence order
/// <c>[u64 sequence][u64 index][u8 applied]</c>. Reading checks every count against the options before allocating.
/// </remarks>
internal sealed partial class ClientSessionTable
{
    /// <summary>Writes the whole table to <paramref name="writer"/>.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(_latestLeaderUtcTicks);
        writer.Write((uint)_sessions.Count);
        foreach (ClientSession session in _sessions.Values.OrderBy(s => s.ClientId))
        {
            writer.Write(session.ClientId);
            writer.Write(session.Floor);
            writer.Write(session.LastActiveUtcTicks);
            writer.Write((uint)session.Results.Count);
            foreach ((ulong sequence, WriteResult result) in session.Results)
            {
                writer.Write(sequence);
                writer.Write(result.Index);
                writer.Write(result.Applied ? (byte)1 : (byte)0);
            }
        }
    }

    /// <summary>Reads a table written by <see cref="WriteTo"/>; throws <see cref="DkvException"/> (Corrupt) on any bad field.</summary>
    public static ClientSessionTable ReadFrom(BinaryReader reader, KvSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var table = new ClientSessionTable(options);
        try
        {
            table._latestLeaderUtcTicks = reader.ReadInt64();
            uint count = reader.ReadUInt32();
            Check(count <= (uint)options.MaxSessions,
                $"it holds {count} client sessions, above KvSessionOptions.MaxSessions ({options.MaxSessions}); every replica must use the same session limits");
            ulong previousClient = 0;
            for (uint i = 0; i < count; i++)
            {
                ClientSession session = ReadSession(reader, options);
                Check(session.ClientId > previousClient, $"client id {session.ClientId} is out of order or zero");
                previousClient = session.ClientId;
                table.Add(session);
            }
        }
        catch (EndOfStreamException ex)
        {
            throw new DkvException(DkvErrorCode.Corrupt, "KV state machine snapshot is cut off inside the client-session table; it was damaged", ex);
        }

        return table;
    }

    private static ClientSession ReadSession(BinaryReader reader, KvSessionOptions options)
    {
        ulong clientId = reader.ReadUInt64();
        ulong floor = reader.ReadUInt64();
        long lastActive = reader.ReadInt64();
        uint results = reader.ReadUInt32();
        Check(floor >= 1, $"client {clientId} has floor 0");
        Check(results <= (uint)options.MaxResultsPerSession,
            $"client {clientId} has {results} outcomes, above KvSessionOptions.MaxResultsPerSession ({options.MaxResultsPerSession}); every replica must use the same session limits");
        var session = new ClientSession(clientId, floor, lastActive);
        ulong previous = 0;
        for (uint i = 0; i < results; i++)
        {
            ulong sequence = reader.ReadUInt64();
            ulong index = reader.ReadUInt64();
            byte applied = reader.ReadByte();
            Check(sequence >= floor && sequence > previous && applied <= 1,
                $"client {clientId} has a bad outcome (sequence {sequence}, floor {floor}, applied byte {applied})");
            previous = sequence;
            session.Results.Add(sequence, new WriteResult(applied == 1, index));
        }

        return session;
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new DkvException(DkvErrorCode.Corrupt, $"KV state machine snapshot is corrupt: {what}");
        }
    }
}
