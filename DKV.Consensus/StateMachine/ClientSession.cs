using DKV.Core.Stores;

namespace DKV.Consensus.StateMachine;

/// <summary>
/// One client's de-duplication state: the outcomes of its recent writes by sequence number, and the floor below which every
/// outcome is forgotten (acknowledged by the client or evicted by the per-session bound).
/// </summary>
internal sealed class ClientSession
{
    public ClientSession(ulong clientId, ulong floor, long lastActiveUtcTicks)
    {
        ClientId = clientId;
        Floor = floor;
        LastActiveUtcTicks = lastActiveUtcTicks;
    }

    public ulong ClientId { get; }

    /// <summary>Every sequence below this is forgotten: a command carrying one changes nothing. Starts at 1.</summary>
    public ulong Floor { get; private set; }

    /// <summary>The group's latest leader timestamp when this session last wrote.</summary>
    public long LastActiveUtcTicks { get; set; }

    /// <summary>Remembered outcomes, all at sequences ≥ <see cref="Floor"/>, ordered so the lowest is forgotten first.</summary>
    public SortedDictionary<ulong, WriteResult> Results { get; } = [];

    /// <summary>Raises the floor to <paramref name="floor"/> (never lowers it) and forgets every outcome below it.</summary>
    public void RaiseFloor(ulong floor)
    {
        if (floor <= Floor)
        {
            return;
        }

        Floor = floor;
        while (Results.Count > 0)
        {
            ulong lowest = LowestSequence();
            if (lowest >= floor)
            {
                break;
            }

            Results.Remove(lowest);
        }
    }

    /// <summary>Remembers <paramref name="result"/>; beyond <paramref name="maxResults"/> the lowest sequence is forgotten.</summary>
    public void Remember(ulong sequence, WriteResult result, int maxResults)
    {
        Results.Add(sequence, result);
        while (Results.Count > maxResults)
        {
            // Forgetting an outcome raises the floor past it, so a late retry of that sequence is refused, never re-applied.
            RaiseFloor(LowestSequence() + 1);
        }
    }

    private ulong LowestSequence()
    {
        using SortedDictionary<ulong, WriteResult>.Enumerator first = Results.GetEnumerator();
        first.MoveNext();
        return first.Current.Key;
    }
}
