namespace DKV.Consensus.Raft;

/// <summary>The role a Raft node plays in its group.</summary>
public enum RaftRole : byte
{
    /// <summary>Accepts entries from a leader; starts an election when it hears from none for a randomized election timeout.</summary>
    Follower = 0,

    /// <summary>Runs a pre-vote round (thesis section 9.6) without raising its term.</summary>
    PreCandidate = 1,

    /// <summary>Has raised its term and asks for votes.</summary>
    Candidate = 2,

    /// <summary>Replicates its log to the followers and decides the commit index.</summary>
    Leader = 3,
}
