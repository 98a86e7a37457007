using DKV.Consensus.Storage;

namespace DKV.Simulation;

/// <summary>
/// A node's simulated disk: an append-only record log. Records written since the last <see cref="Sync"/> are volatile: on
/// <see cref="Crash"/> a random prefix of them survives (the page cache flushed part of it) and the record after that prefix is torn,
/// which recovery detects (as a checksum would) and drops with everything after it.
/// </summary>
internal sealed class SimDisk
{
    private readonly List<DiskRecord> _durable = [];
    private readonly List<DiskRecord> _volatile = [];

    /// <summary>Records written and not yet synced.</summary>
    public int VolatileCount => _volatile.Count;

    /// <summary>Records that survived, for the trace.</summary>
    public int DurableCount => _durable.Count;

    public void Write(DiskRecord record) => _volatile.Add(record);

    /// <summary>Writes and syncs a record at once; only allowed when nothing else is pending, so record order is kept.</summary>
    public void WriteSynced(DiskRecord record)
    {
        if (_volatile.Count > 0)
        {
            throw new InvalidOperationException($"{_volatile.Count} unsynced records are pending; sync them before writing a synced record");
        }

        _durable.Add(record);
    }

    public void Sync()
    {
        _durable.AddRange(_volatile);
        _volatile.Clear();
    }

    /// <summary>Loses unsynced writes: keeps a random prefix, tears the next record. Returns how many records were lost.</summary>
    public int Crash(SimRandom random)
    {
        int keep = random.Next(_volatile.Count + 1);
        _durable.AddRange(_volatile.Take(keep));
        int lost = _volatile.Count - keep;
        _volatile.Clear();
        return lost;
    }

    /// <summary>Rebuilds the Raft storage from the durable records, as a node's recovery would.</summary>
    public MemoryRaftStorage Recover()
    {
        var storage = new MemoryRaftStorage();
        foreach (DiskRecord record in _durable)
        {
            if (record.Snapshot is not null)
            {
                storage.ApplySnapshot(record.Snapshot);
            }

            if (record.Entries is not null)
            {
                storage.Append(record.Entries);
            }

            if (record.HardState is { } hard)
            {
                storage.SetHardState(hard);
            }

            if (record.Compaction is not null)
            {
                storage.Compact(record.Compaction);
            }
        }

        return storage;
    }
}
