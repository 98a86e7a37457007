using DKV.Core.Stores;

namespace DKV.Consensus.StateMachine;

/// <summary>
/// The replicated client-session table behind at-most-once writes (Raft thesis section 6.3, with a window of writes in flight).
/// </summary>
/// <remarks>
/// <para>Deterministic: it reads no clock. Time is the largest leader timestamp seen in the log so far (leader clocks may step
/// back across a leader change; the maximum never does). Sessions idle longer than <see cref="KvSessionOptions.SessionIdleTimeout"/>
/// of that time are dropped, and beyond <see cref="KvSessionOptions.MaxSessions"/> the least recently active session (ties by
/// client id) is dropped, so every replica forgets the same sessions at the same entry.</para>
/// <para>Single-threaded: used from the group's apply loop only.</para>
/// </remarks>
internal sealed partial class ClientSessionTable
{
    private readonly KvSessionOptions _options;
    private readonly Dictionary<ulong, ClientSession> _sessions = [];
    private readonly SortedSet<(long LastActiveUtcTicks, ulong ClientId)> _byActivity = [];
    private long _latestLeaderUtcTicks = long.MinValue;

    public ClientSessionTable(KvSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>How many sessions are remembered.</summary>
    public int Count => _sessions.Count;

    /// <summary>The largest leader timestamp applied so far (<see cref="long.MinValue"/> before the first command).</summary>
    public long LatestLeaderUtcTicks => _latestLeaderUtcTicks;

    /// <summary>The session of <paramref name="clientId"/>, or null when none is remembered.</summary>
    public ClientSession? Find(ulong clientId) => _sessions.GetValueOrDefault(clientId);

    /// <summary>Advances the table's time to <paramref name="leaderUtcTicks"/> (if later) and drops sessions idle for too long.</summary>
    public void AdvanceTime(long leaderUtcTicks)
    {
        if (leaderUtcTicks > _latestLeaderUtcTicks)
        {
            _latestLeaderUtcTicks = leaderUtcTicks;
        }

        long idleTicks = _options.SessionIdleTimeout.Ticks;
        while (_byActivity.Count > 0)
        {
            (long lastActive, ulong clientId) = _byActivity.Min;
            if (_latestLeaderUtcTicks - lastActive <= idleTicks)
            {
                break;
            }

            Drop(clientId);
        }
    }

    /// <summary>
    /// Decides whether the write (<paramref name="clientId"/>, <paramref name="sequence"/>) must not execute: true with the first
    /// outcome for a duplicate, or with <c>WriteResult(false, 0)</c> for a sequence already forgotten. False when it is new: execute
    /// it, then call <see cref="Remember"/>. Either way the session becomes the most recently active and forgets every outcome below
    /// <paramref name="acknowledgedBelow"/>.
    /// </summary>
    public bool TryGetOutcome(ulong clientId, ulong sequence, ulong acknowledgedBelow, out WriteResult outcome)
    {
        ClientSession session = Touch(clientId);
        session.RaiseFloor(acknowledgedBelow);
        if (sequence < session.Floor)
        {
            outcome = new WriteResult(false, 0);
            return true;
        }

        return session.Results.TryGetValue(sequence, out outcome);
    }

    /// <summary>Remembers the outcome of a write that <see cref="TryGetOutcome"/> called new.</summary>
    public void Remember(ulong clientId, ulong sequence, WriteResult result) =>
        _sessions[clientId].Remember(sequence, result, _options.MaxResultsPerSession);

    private ClientSession Touch(ulong clientId)
    {
        if (_sessions.TryGetValue(clientId, out ClientSession? session))
        {
            _byActivity.Remove((session.LastActiveUtcTicks, clientId));
            session.LastActiveUtcTicks = _latestLeaderUtcTicks;
        }
        else
        {
            while (_sessions.Count >= _options.MaxSessions)
            {
                Drop(_byActivity.Min.ClientId);
            }

            session = new ClientSession(clientId, 1, _latestLeaderUtcTicks);
            _sessions.Add(clientId, session);
        }

        _byActivity.Add((session.LastActiveUtcTicks, clientId));
        return session;
    }

    private void Drop(ulong clientId)
    {
        ClientSession session = _sessions[clientId];
        _sessions.Remove(clientId);
        _byActivity.Remove((session.LastActiveUtcTicks, clientId));
    }

    private void Add(ClientSession session)
    {
        _sessions.Add(session.ClientId, session);
        _byActivity.Add((session.LastActiveUtcTicks, session.ClientId));
    }
}
