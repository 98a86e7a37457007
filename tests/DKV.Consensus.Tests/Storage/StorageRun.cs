using System.Buffers.Binary;
using DKV.Consensus.Raft;
using DKV.Consensus.Storage;

namespace DKV.Consensus.Tests.Storage;

/// <summary>
/// A single-node Raft group over <see cref="DurableRaftStorage"/> on a simulated disk, running a fixed compaction script, and an
/// independent record of what was synced: the last index made durable by a completed sync, every entry written, and the
/// latest snapshot whose save completed.
/// </summary>
internal sealed class StorageRun
{
    internal const string SnapshotDirectory = "/sim/snap";

    internal ulong SyncedLastIndex { get; private set; }

    internal ulong DurableSnapshotIndex { get; private set; }

    internal Dictionary<ulong, (ulong Term, byte[] Data)> Written { get; } = [];

    internal static WalOptions Options => WalTestData.Options(segmentBytes: 4096);

    internal static RaftConfig Config(ulong tail) => new() { NodeId = 1, GroupId = 1, Voters = [1], CompactionTailEntries = tail };

    internal static byte[] SnapshotData(ulong index)
    {
        var data = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(data, index);
        return data;
    }

    /// <summary>Proposes <paramref name="proposals"/> entries, compacting every <paramref name="compactEvery"/>; true when the disk crashed.</summary>
    internal bool Execute(SimulatedWalFileSystem fs, int proposals, int compactEvery, ulong tail, out DurableRaftStorage? storage)
    {
        storage = null;
        WriteAheadLog? wal = null;
        try
        {
            wal = WriteAheadLog.Open(fs, Options);
            storage = DurableRaftStorage.Restore(1, wal, new SnapshotStore(fs, SnapshotDirectory));
            var node = new RaftNode(Config(tail), storage, new SeededRandomSource(1));
            node.Campaign();
            Drain(node, storage, wal);
            for (int i = 1; i <= proposals; i++)
            {
                node.Propose(Payload(i));
                Drain(node, storage, wal);
                if (i % compactEvery == 0)
                {
                    ulong index = node.AppliedIndex - 2;
                    storage.Compact(node.Compact(index, SnapshotData(index)));
                    DurableSnapshotIndex = index;
                }
            }

            wal.Sync();
            SyncedLastIndex = storage.LastIndex;
            return false;
        }
        catch (SimulatedCrashException)
        {
            return true;
        }
        finally
        {
            wal?.Dispose();
        }
    }

    internal static byte[] Payload(int i) => Enumerable.Range(0, 90).Select(b => (byte)(i * 13 + b)).ToArray();

    private void Drain(RaftNode node, DurableRaftStorage storage, WriteAheadLog wal)
    {
        while (node.HasReady)
        {
            Ready ready = node.GetReady();
            storage.Persist(ready);
            foreach (LogEntry entry in ready.Entries.Span)
            {
                Written[entry.Index] = (entry.Term, entry.Data.ToArray());
            }

            if (ready.MustSync)
            {
                wal.Sync();
                SyncedLastIndex = storage.LastIndex;
            }

            node.Advance(ready);
        }
    }
}
