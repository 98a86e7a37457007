using DKV.Consensus.Raft;

namespace DKV.Consensus.Host;

/// <summary>One iteration's ready batches of every group: persist, one sync for all, send, apply, advance.</summary>
internal sealed partial class NodeHost
{
    private BatchItem[]? _items;

    private bool ProcessReadies()
    {
        BatchItem[] items = _items ??= [.. _groupList.Select(_ => new BatchItem())];
        int count = 0;
        foreach (RaftGroup group in _groupList)
        {
            if (group.Node.HasReady)
            {
                items[count++].Take(group, group.Node.GetReady());
            }
        }

        if (count == 0)
        {
            return false;
        }

        bool mustSync = false;
        for (int i = 0; i < count; i++)
        {
            BatchItem item = items[i];
            RaftGroup group = item.Group!;
            item.DurableIndex = group.Storage.LastIndex; // every earlier batch with entries was synced before its Advance
            group.Storage.Persist(item.Ready!);
            group.OnPersisted(item.Ready!.Entries.Span, item.Ready.Snapshot is not null, item.DurableIndex);
            mustSync |= item.Ready.MustSync;
        }

        Counters.Batches++;
        if (mustSync)
        {
            // Raft thesis 10.2.1: a leader may replicate to followers while its own disk write is in progress.
            SendMessages(items, count, appends: true, others: false);
            // Entries committed by earlier batches are durable on a quorum already: apply them and answer their writers
            // before this batch's sync instead of after it.
            for (int i = 0; i < count; i++)
            {
                ApplyDurable(items[i]);
            }

            // Their answers go out while the disk works.
            _completions.Dispatch();

            // On the loop's own thread: a hand-off to another thread and back costs more than the fsync on a busy machine.
            long syncStart = _time.GetTimestamp();
            _wal.Sync();
            Counters.SyncTicks += _time.GetTimestamp() - syncStart;
            Counters.Syncs++;
        }

        SendMessages(items, count, appends: !mustSync, others: true);
        for (int i = 0; i < count; i++)
        {
            BatchItem item = items[i];
            RaftGroup group = item.Group!;
            ApplyRest(item);
            group.Node.Advance(item.Ready!);
            if (item.Ready!.SoftState is { } soft)
            {
                OnSoftState(group, soft);
            }

            MaybeSnapshot(group);
            group.CompleteAppliedReads();
            group.PublishStatus();
            item.Clear();
        }

        return true;
    }

    /// <summary>Sends the batch's leader appends, its other messages, or both.</summary>
    private void SendMessages(BatchItem[] items, int count, bool appends, bool others)
    {
        for (int i = 0; i < count; i++)
        {
            foreach (RaftMessage message in items[i].Ready!.Messages)
            {
                if (message.Type == RaftMessageType.Append ? appends : others)
                {
                    Send(items[i].Group!, message);
                }
            }
        }
    }

    private void Send(RaftGroup group, RaftMessage message)
    {
        if (_network.Send(message))
        {
            return;
        }

        if (message.Type == RaftMessageType.InstallSnapshot)
        {
            group.Node.ReportSnapshot(message.To, succeeded: false);
        }
        else if (message.Type == RaftMessageType.Append)
        {
            group.Node.ReportUnreachable(message.To);
        }
    }

    /// <summary>Applies the committed entries that were durable before this batch, and takes the read states.</summary>
    private void ApplyDurable(BatchItem item)
    {
        Ready ready = item.Ready!;
        RaftGroup group = item.Group!;
        if (ready.Snapshot is not null)
        {
            return; // the snapshot is restored first, after the sync
        }

        ReadOnlySpan<LogEntry> committed = ready.CommittedEntries.Span;
        int applied = 0;
        while (applied < committed.Length && committed[applied].Index <= item.DurableIndex)
        {
            ApplyEntry(group, committed[applied]);
            applied++;
        }

        item.AppliedEarly = applied;
        TakeReadStates(group, ready);
        item.ReadStatesTaken = true;
        group.CompleteAppliedReads();
    }

    /// <summary>Restores the batch's snapshot, if any, then applies the committed entries not yet applied.</summary>
    private void ApplyRest(BatchItem item)
    {
        Ready ready = item.Ready!;
        RaftGroup group = item.Group!;
        if (ready.Snapshot is { } snapshot)
        {
            RestoreStateMachine(group.GroupId, group.StateMachine, snapshot);
            group.LastSnapshotIndex = snapshot.Metadata.Index;
            group.FailWaitersCoveredBy(snapshot.Metadata.Index);
            Log.SnapshotInstalled(_logger, group.GroupId, snapshot.Metadata.Index);
        }

        ReadOnlySpan<LogEntry> committed = ready.CommittedEntries.Span;
        for (int i = item.AppliedEarly; i < committed.Length; i++)
        {
            ApplyEntry(group, committed[i]);
        }

        if (!item.ReadStatesTaken)
        {
            TakeReadStates(group, ready);
        }
    }

    private void ApplyEntry(RaftGroup group, in LogEntry entry)
    {
        Core.Stores.WriteResult result = group.StateMachine.Apply(entry);
        Counters.Applied++;
        group.CompleteWaiter(entry, result);
    }

    private static void TakeReadStates(RaftGroup group, Ready ready)
    {
        foreach (ReadState state in ready.ReadStates)
        {
            group.OnReadState(state);
        }
    }

    /// <summary>One group's ready batch within an iteration (reused across iterations).</summary>
    private sealed class BatchItem
    {
        public RaftGroup? Group { get; private set; }

        public Ready? Ready { get; private set; }

        /// <summary>The group's last log index before this batch persisted: everything up to it is durable.</summary>
        public ulong DurableIndex { get; set; }

        /// <summary>How many of the batch's committed entries were applied before the sync.</summary>
        public int AppliedEarly { get; set; }

        public bool ReadStatesTaken { get; set; }

        public void Take(RaftGroup group, Ready ready)
        {
            Group = group;
            Ready = ready;
            AppliedEarly = 0;
            ReadStatesTaken = false;
        }

        public void Clear()
        {
            Group = null;
            Ready = null;
        }
    }
}
