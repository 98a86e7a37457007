using System.Buffers;

namespace DKV.Consensus.Storage;

/// <summary>Writing side: one fsync per sync, segment roll, checkpoint records, deleting compacted segments.</summary>
public sealed partial class WriteAheadLog
{
    /// <summary>
    /// The group-commit flusher: while callers wait, sync everything appended so far and complete the callers it covered.
    /// Catches every exception and hands it to the waiters, so it is safe to start without observing its task.
    /// </summary>
    private void FlushLoop()
    {
        while (true)
        {
            long target;
            lock (_lock)
            {
                if (_syncWaiters.Count == 0)
                {
                    _flusherRunning = false;
                    return;
                }

                target = _appendedSequence;
            }

            Exception? error = null;
            _ioGate.Wait();
            try
            {
                SyncLocked(target);
            }
            catch (Exception failure)
            {
                error = failure;
            }
            finally
            {
                _ioGate.Release();
            }

            CompleteWaiters(error);
        }
    }

    private void CompleteWaiters(Exception? error)
    {
        var completed = new List<TaskCompletionSource>();
        lock (_lock)
        {
            long synced = _syncedSequence;
            for (int i = _syncWaiters.Count - 1; i >= 0; i--)
            {
                if (error is not null || _syncWaiters[i].Target <= synced)
                {
                    completed.Add(_syncWaiters[i].Done);
                    _syncWaiters.RemoveAt(i);
                }
            }
        }

        foreach (TaskCompletionSource done in completed)
        {
            if (error is null)
            {
                done.SetResult();
            }
            else
            {
                done.SetException(error);
            }
        }
    }

    /// <summary>Runs with the I/O gate held. Writes the pending records, rolling segments as needed, then fsyncs once.</summary>
    private void SyncLocked(long target)
    {
        ArrayBufferWriter<byte> bytes;
        List<PendingRecord> records;
        long covered;
        lock (_lock)
        {
            ThrowIfUnusable();
            if (_syncedSequence >= target)
            {
                return;
            }

            bytes = _pending;
            records = _pendingRecords;
            covered = _appendedSequence;
            _pending = new ArrayBufferWriter<byte>();
            _pendingRecords = new List<PendingRecord>();
        }

        try
        {
            WriteRecords(bytes.WrittenMemory, records);
            if (PlantedBug != WalPlantedBug.SkipFsync)
            {
                _active!.Sync();
            }

            DeleteCompactedSegments();
        }
        catch (Exception failure)
        {
            lock (_lock)
            {
                _failure = failure;
            }

            throw;
        }

        Volatile.Write(ref _syncedSequence, covered);
    }

    private void WriteRecords(ReadOnlyMemory<byte> bytes, List<PendingRecord> records)
    {
        var batch = new ArrayBufferWriter<byte>();
        int at = 0;
        WalSegment segment = _segments[^1];
        foreach (PendingRecord record in records)
        {
            bool full = _active!.Length + batch.WrittenCount + record.Bytes > _options.SegmentBytes;
            if (full && _activeDataRecords > 0)
            {
                // The old segment is complete and durable before the next one exists, so a torn tail can only be in the last one.
                _active.Append(batch.WrittenSpan);
                if (PlantedBug != WalPlantedBug.SkipFsync)
                {
                    _active.Sync();
                }

                batch.Clear();
                segment = Roll(batch);
            }

            batch.Write(bytes.Span.Slice(at, record.Bytes));
            at += record.Bytes;
            _activeDataRecords++;
            Note(segment, record);
        }

        if (batch.WrittenCount > 0)
        {
            _active!.Append(batch.WrittenSpan);
        }
    }

    private void Note(WalSegment segment, PendingRecord record)
    {
        switch (record.Type)
        {
            case WalRecordType.Entries:
                segment.NoteEntries(record.GroupId, record.LastIndex);
                break;
            case WalRecordType.HardState:
                _writtenHardStates[record.GroupId] = record.HardState;
                break;
            default:
                _writtenMarkers[record.GroupId] = record.Marker;
                break;
        }
    }

    /// <summary>Starts a new segment (durable name) and puts every group's hard state and marker at its start.</summary>
    private WalSegment Roll(ArrayBufferWriter<byte> batch)
    {
        long sequence = _segments.Count == 0 ? 1 : _segments[^1].Sequence + 1;
        WalSegment segment = CreateSegment(sequence);
        foreach (KeyValuePair<ulong, WalSnapshotMarker> marker in _writtenMarkers)
        {
            // Repeated as a plain compaction point: replaying "replace the log" again here would drop the entries logged after
            // the installed snapshot in earlier segments.
            WalRecordCodec.WriteMarker(batch, marker.Key, marker.Value with { ReplacesLog = false });
        }

        foreach (KeyValuePair<ulong, Raft.HardState> state in _writtenHardStates)
        {
            WalRecordCodec.WriteHardState(batch, state.Key, state.Value);
        }

        return segment;
    }

    private WalSegment CreateSegment(long sequence)
    {
        string path = Path.Combine(_options.Directory, sequence.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + SegmentExtension);
        IWalFile file = _fs.OpenAppend(path, offset: 0, ZeroFillChunkBytes);
        _fs.SyncDirectory(_options.Directory);
        _active?.Dispose();
        _active = file;
        _activeDataRecords = 0;
        var segment = new WalSegment(sequence, path);
        lock (_lock)
        {
            _segments.Add(segment);
        }

        return segment;
    }

    /// <summary>Deletes the oldest segments while every entry in them is behind its group's (durable) snapshot marker.</summary>
    private void DeleteCompactedSegments()
    {
        int drop = 0;
        while (drop < _segments.Count - 1 && IsCompacted(_segments[drop]))
        {
            drop++;
        }

        if (drop == 0)
        {
            return;
        }

        for (int i = 0; i < drop; i++)
        {
            // Oldest first, each deletion durable before the next: a crash can only leave a shorter prefix deleted, never a gap.
            _fs.Delete(_segments[i].Path);
            _fs.SyncDirectory(_options.Directory);
        }

        lock (_lock)
        {
            _segments.RemoveRange(0, drop);
        }
    }

    private bool IsCompacted(WalSegment segment)
    {
        foreach (KeyValuePair<ulong, ulong> group in segment.MaxIndexByGroup)
        {
            if (!_writtenMarkers.TryGetValue(group.Key, out WalSnapshotMarker marker) || group.Value >= marker.FirstKeptIndex)
            {
                return false;
            }
        }

        return true;
    }
}
