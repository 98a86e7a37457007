namespace DKV.Consensus.Raft;

/// <summary>The kinds of message Raft nodes exchange. Values are stable: the peer transport puts them on the wire.</summary>
public enum RaftMessageType : byte
{
    /// <summary>Leader to follower: entries after (<see cref="RaftMessage.LogTerm"/>, <see cref="RaftMessage.Index"/>), and the leader's commit.</summary>
    Append = 1,

    /// <summary>Follower to leader: accepted through <see cref="RaftMessage.Index"/>, or rejected with a conflict hint.</summary>
    AppendResponse = 2,

    /// <summary>Candidate to voter: vote for me in <see cref="RaftMessage.Term"/>; my last entry is (LogTerm, Index).</summary>
    Vote = 3,

    /// <summary>Voter to candidate: granted unless <see cref="RaftMessage.Reject"/>.</summary>
    VoteResponse = 4,

    /// <summary>Pre-candidate to voter: would you vote for me in <see cref="RaftMessage.Term"/>? Changes no state on either side.</summary>
    PreVote = 5,

    /// <summary>Voter to pre-candidate: the pre-vote answer.</summary>
    PreVoteResponse = 6,

    /// <summary>Leader to follower: I am leader; commit through <see cref="RaftMessage.Commit"/>; echo <see cref="RaftMessage.Context"/>.</summary>
    Heartbeat = 7,

    /// <summary>Follower to leader: heartbeat received, echoing its <see cref="RaftMessage.Context"/>.</summary>
    HeartbeatResponse = 8,

    /// <summary>Leader to follower: replace your log with <see cref="RaftMessage.Snapshot"/>.</summary>
    InstallSnapshot = 9,

    /// <summary>Follower to leader: give me a confirmed read index for <see cref="RaftMessage.Context"/>.</summary>
    ReadIndex = 10,

    /// <summary>Leader to follower: the confirmed read index (<see cref="RaftMessage.Index"/>) for <see cref="RaftMessage.Context"/>.</summary>
    ReadIndexResponse = 11,

    /// <summary>Leader to its transfer target: start an election now, bypassing pre-vote and leader leases.</summary>
    TimeoutNow = 12,
}
