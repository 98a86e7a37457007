using DKV.Consensus.Raft;
using DKV.Consensus.Storage;
using DKV.Core.Errors;

namespace DKV.Simulation;

/// <summary>
/// The product's storage under the simulator: <see cref="WriteAheadLog"/>, <see cref="SnapshotStore"/> and
/// <see cref="DurableRaftStorage"/> on a <see cref="SimulatedWalFileSystem"/> whose crash loses unsynced bytes (a random prefix may
/// survive, torn). A crash during a batch's fsync may first write part of the batch, so recovery meets real torn tails.
/// </summary>
internal sealed class WalNodeStorage : ISimNodeStorage
{
    private const ulong GroupId = 1;
    private const string SnapshotDirectory = "/node/snap";

    private static readonly WalOptions s_options = new()
    {
        Directory = "/node/wal",
        SegmentBytes = 32 * 1024,
        MaxRecordBytes = 1024 * 1024,
        MaxBufferedBytes = 16 * 1024 * 1024,
    };

    private readonly SimulatedWalFileSystem _fs;
    private WriteAheadLog? _wal;
    private DurableRaftStorage? _storage;

    public WalNodeStorage(ulong seed) => _fs = new SimulatedWalFileSystem(new SeededRandomSource(seed));

    public IRaftLogReader Reader => Storage;

    public bool CanCompact => true;

    private DurableRaftStorage Storage => _storage ?? throw new InvalidOperationException("the node's storage is not recovered");

    private WriteAheadLog Wal => _wal ?? throw new InvalidOperationException("the node's write-ahead log is not open");

    public ulong Recover()
    {
        _wal?.Dispose();
        try
        {
            _wal = WriteAheadLog.Open(_fs, s_options);
        }
        catch (DkvException ex)
        {
            // The violation report then shows what the log held, record by record.
            throw new InvalidOperationException($"{ex.Message}\nwrite-ahead log records:\n{WalDump.Dump(_fs, s_options.Directory)}", ex);
        }

        _storage = DurableRaftStorage.Restore(GroupId, _wal, new SnapshotStore(_fs, SnapshotDirectory));
        return _wal.RecoveryReport is { } report ? (ulong)report.DiscardedBytes + 1 : 0;
    }

    public bool Write(Ready ready) => ready.Snapshot is not null || !ready.Entries.IsEmpty || ready.HardState is not null;

    public void Complete(Ready ready)
    {
        Storage.Persist(ready);
        if (ready.MustSync || ready.Snapshot is not null)
        {
            Wal.Sync();
        }
    }

    public void Compact(CompactionPlan plan) => Storage.Compact(plan);

    public int Crash(SimRandom random, Ready? syncing)
    {
        int boundaries = 0;
        if (syncing is not null && random.Chance(0.5))
        {
            // The power fails while the batch is being written: its first few writes/fsyncs happen, the rest do not.
            boundaries = 1 + random.Next(3);
            Storage.Persist(syncing);
            _fs.CrashAtBoundary = _fs.BoundaryCount + boundaries;
            try
            {
                Wal.Sync();
            }
            catch (SimulatedCrashException)
            {
                // Expected: this is the simulated power loss.
            }
        }

        _wal?.Dispose();
        _wal = null;
        _storage = null;
        _fs.Crash();
        return boundaries;
    }
}
