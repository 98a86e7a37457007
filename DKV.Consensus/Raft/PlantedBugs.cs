namespace DKV.Consensus.Raft;

/// <summary>
/// Known-wrong behaviours that tests switch on to prove their checks can fail (STYLE.md rule 18). Internal: reachable only
/// from the test and simulation assemblies, and <see cref="None"/> unless a test sets it.
/// </summary>
[Flags]
internal enum PlantedBugs
{
    /// <summary>Correct behaviour.</summary>
    None = 0,

    /// <summary>The leader commits an entry of an earlier term once a quorum stores it (violates the figure 8 rule).</summary>
    CommitPreviousTermByCount = 1,

    /// <summary>A granted vote is emitted in a ready batch before the one that persists the term and vote.</summary>
    VoteBeforePersist = 2,

    /// <summary>The leader releases a read index at once, without confirming leadership with a quorum.</summary>
    ReadWithoutLeadershipCheck = 4,
}
