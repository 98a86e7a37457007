using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Simulation;

/// <summary>The simulator's own storage: the <see cref="SimDisk"/> record log, recovered into a <see cref="MemoryRaftStorage"/>.</summary>
internal sealed class SimDiskStorage : ISimNodeStorage
{
    private readonly SimDisk _disk = new();
    private MemoryRaftStorage _storage = new();

    public IRaftLogReader Reader => _storage;

    public bool CanCompact => _disk.VolatileCount == 0;

    public ulong Recover()
    {
        _storage = _disk.Recover();
        return 0;
    }

    public bool Write(Ready ready)
    {
        bool wrote = false;
        if (ready.Snapshot is not null)
        {
            _disk.Write(new DiskRecord(null, null, ready.Snapshot, null));
            wrote = true;
        }

        if (!ready.Entries.IsEmpty)
        {
            _disk.Write(new DiskRecord(ready.Entries.ToArray(), null, null, null));
            wrote = true;
        }

        if (ready.HardState is { } hard)
        {
            _disk.Write(new DiskRecord(null, hard, null, null));
            wrote = true;
        }

        return wrote;
    }

    public void Complete(Ready ready)
    {
        _disk.Sync();
        _storage.Persist(ready);
    }

    public void Compact(CompactionPlan plan)
    {
        _disk.WriteSynced(new DiskRecord(null, null, null, plan));
        _storage.Compact(plan);
    }

    public int Crash(SimRandom random, Ready? syncing) => _disk.Crash(random);
}
