using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Simulation;

/// <summary>
/// A simulated node's durable Raft state: the simulator's record disk (<see cref="SimDiskStorage"/>) or the product's write-ahead
/// log and snapshot store on a simulated file system (<see cref="WalNodeStorage"/>).
/// </summary>
internal interface ISimNodeStorage
{
    /// <summary>The core's view of the persisted state (valid after <see cref="Recover"/>).</summary>
    IRaftLogReader Reader { get; }

    /// <summary>Whether a compaction may be written now.</summary>
    bool CanCompact { get; }

    /// <summary>Rebuilds <see cref="Reader"/> from what the disk holds; returns a note for the trace (0 when nothing was repaired).</summary>
    ulong Recover();

    /// <summary>Starts writing a ready batch (not yet durable); returns whether it wrote anything.</summary>
    bool Write(Ready ready);

    /// <summary>Completes the batch: durable now (as far as it asked for a sync), and visible through <see cref="Reader"/>.</summary>
    void Complete(Ready ready);

    void Compact(CompactionPlan plan);

    /// <summary>Power loss with <paramref name="syncing"/> (if any) between its write and its fsync; returns a note for the trace.</summary>
    int Crash(SimRandom random, Ready? syncing);
}
