using System.Buffers;
using DKV.Consensus.Raft;
using DKV.Core.Errors;

namespace DKV.Consensus.Storage;

/// <summary>
/// A segmented, checksummed write-ahead log shared by many Raft groups. <see cref="Append"/> only buffers;
/// <see cref="Sync"/>/<see cref="SyncAsync"/> write everything appended so far and make it durable with one fdatasync (group commit:
/// concurrent <see cref="SyncAsync"/> callers share one fsync). Open with <see cref="Open"/>, which replays and recovers the log.
/// </summary>
/// <remarks>
/// Thread-safe: appends from many threads, syncs from many threads. An I/O failure during a sync leaves the log failed: every
/// later call throws (a failed fsync cannot be retried safely). Segments are named <c>{sequence:D20}.wal</c>; a new segment starts
/// with the current hard state and snapshot marker of every group, so older segments can be deleted once every entry in them
/// is behind its group's snapshot.
/// </remarks>
public sealed partial class WriteAheadLog : IDisposable
{
    private const string SegmentExtension = ".wal";

    private readonly IWalFileSystem _fs;
    private readonly WalOptions _options;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _ioGate = new(1, 1);
    private readonly List<WalSegment> _segments = new();
    private readonly Dictionary<ulong, HardState> _writtenHardStates = new();
    private readonly Dictionary<ulong, WalSnapshotMarker> _writtenMarkers = new();
    private ArrayBufferWriter<byte> _pending = new();
    private List<PendingRecord> _pendingRecords = new();
    private IWalFile? _active;
    private long _activeDataRecords;
    private long _firstSegmentSequence;
    private readonly List<(long Target, TaskCompletionSource Done)> _syncWaiters = new();
    private bool _flusherRunning;
    private long _appendedSequence;
    private long _syncedSequence;
    private Exception? _failure;
    private bool _disposed;

    private WriteAheadLog(IWalFileSystem fs, WalOptions options)
    {
        _fs = fs;
        _options = options;
    }

    /// <summary>Per group, what the log held when it opened (hard state, snapshot marker, entries after the rules).</summary>
    public IReadOnlyDictionary<ulong, WalGroupState> Recovered { get; private set; } = new Dictionary<ulong, WalGroupState>();

    /// <summary>The torn tail cut off when the log opened, or null when the log ended cleanly.</summary>
    public WalRecoveryReport? RecoveryReport { get; private set; }

    /// <summary>Tests only: a deliberate defect (none by default).</summary>
    internal WalPlantedBug PlantedBug { get; set; }

    /// <summary>The number of segment files in use.</summary>
    public int SegmentCount
    {
        get
        {
            lock (_lock)
            {
                return _segments.Count;
            }
        }
    }

    /// <summary>
    /// Opens (creating when missing) the log in <see cref="WalOptions.Directory"/>, replays it into <see cref="Recovered"/>,
    /// truncates a torn tail of the last segment (see <see cref="RecoveryReport"/>), and throws <see cref="DkvException"/>
    /// (Corrupt) naming the file and byte offset when a record before the tail is damaged.
    /// </summary>
    public static WriteAheadLog Open(IWalFileSystem fileSystem, WalOptions options)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var wal = new WriteAheadLog(fileSystem, options);
        wal.Recover();
        return wal;
    }

    /// <summary>
    /// Buffers the entries and then the hard state of <paramref name="groupId"/>; neither is durable before the next sync
    /// completes. Entries must have consecutive indexes; an entry at an index already logged replaces the log from there on.
    /// </summary>
    public void Append(ulong groupId, HardState? hardState, ReadOnlySpan<LogEntry> entries)
    {
        for (int i = 1; i < entries.Length; i++)
        {
            if (entries[i].Index != entries[i - 1].Index + 1)
            {
                throw new ArgumentException(
                    $"entries for group {groupId} are not consecutive: index {entries[i].Index} follows {entries[i - 1].Index}",
                    nameof(entries));
            }
        }

        lock (_lock)
        {
            ThrowIfUnusable();
            if (!entries.IsEmpty)
            {
                int payload = WalRecordCodec.EntriesPayloadBytes(entries);
                CheckRecordSize(payload, groupId);
                WalRecordCodec.WriteEntries(_pending, groupId, entries, payload);
                _pendingRecords.Add(new PendingRecord(WalRecordCodec.HeaderBytes + payload, groupId, WalRecordType.Entries,
                    entries[^1].Index, default, default));
            }

            if (hardState is { } state)
            {
                WalRecordCodec.WriteHardState(_pending, groupId, state);
                _pendingRecords.Add(new PendingRecord(WalRecordCodec.HeaderBytes + 32, groupId, WalRecordType.HardState, 0, state, default));
            }

            _appendedSequence++;
        }
    }

    /// <summary>
    /// Buffers a snapshot marker for <paramref name="groupId"/>: on replay, entries below <see cref="WalSnapshotMarker.FirstKeptIndex"/>
    /// (or all earlier entries when <see cref="WalSnapshotMarker.ReplacesLog"/>) are dropped. Write the snapshot file durably
    /// first (<see cref="SnapshotStore"/>); segments wholly behind every group's marker are deleted after the next sync.
    /// </summary>
    public void AppendSnapshotMarker(ulong groupId, WalSnapshotMarker marker)
    {
        if (marker.FirstKeptIndex > marker.Index + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(marker),
                $"snapshot marker keeps from index {marker.FirstKeptIndex}, beyond the snapshot index {marker.Index} + 1");
        }

        lock (_lock)
        {
            ThrowIfUnusable();
            WalRecordCodec.WriteMarker(_pending, groupId, marker);
            _pendingRecords.Add(new PendingRecord(WalRecordCodec.HeaderBytes + 33, groupId, WalRecordType.SnapshotMarker, 0, default, marker));
            _appendedSequence++;
        }
    }

    /// <summary>Writes and fsyncs everything appended before the call. Blocks the calling thread.</summary>
    public void Sync()
    {
        long target = ReadAppendedSequence();
        _ioGate.Wait();
        try
        {
            SyncLocked(target);
        }
        finally
        {
            _ioGate.Release();
        }
    }

    /// <summary>
    /// Completes once everything appended before the call is durable. Group commit: callers register and one background
    /// flusher writes and fsyncs everything appended so far, completing every caller it covered; callers arriving during an
    /// fsync are covered by the next one. Fails with the I/O error when the covering sync fails.
    /// </summary>
    public ValueTask SyncAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource done;
        bool startFlusher = false;
        lock (_lock)
        {
            ThrowIfUnusable();
            if (_syncedSequence >= _appendedSequence)
            {
                return default;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _syncWaiters.Add((_appendedSequence, done));
            if (!_flusherRunning)
            {
                _flusherRunning = true;
                startFlusher = true;
            }
        }

        if (startFlusher)
        {
            _ = Task.Run(FlushLoop, CancellationToken.None);
        }

        return new ValueTask(done.Task.WaitAsync(cancellationToken));
    }

    /// <summary>Closes the active segment. Appends not yet synced are lost (as in a crash).</summary>
    public void Dispose()
    {
        _ioGate.Wait();
        try
        {
            lock (_lock)
            {
                _disposed = true;
                _active?.Dispose();
                _active = null;
            }
        }
        finally
        {
            _ioGate.Release();
        }
    }

    private long ReadAppendedSequence()
    {
        lock (_lock)
        {
            ThrowIfUnusable();
            return _appendedSequence;
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            throw new DkvException(DkvErrorCode.Internal,
                $"write-ahead log in '{_options.Directory}' failed earlier and accepts no more writes ({_failure.Message}); " +
                "restart the node so it recovers from disk", _failure);
        }
    }

    private void CheckRecordSize(int payload, ulong groupId)
    {
        if (payload > _options.MaxRecordBytes)
        {
            throw new DkvException(DkvErrorCode.TooLarge,
                $"a write-ahead log record of {payload} bytes for group {groupId} exceeds WalOptions.MaxRecordBytes " +
                $"({_options.MaxRecordBytes}); append fewer or smaller entries at once, or raise the limit");
        }

        if (_pending.WrittenCount + payload > _options.MaxBufferedBytes)
        {
            throw new DkvException(DkvErrorCode.TooLarge,
                $"write-ahead log has {_pending.WrittenCount} bytes appended but not synced, and {payload} more would exceed " +
                $"WalOptions.MaxBufferedBytes ({_options.MaxBufferedBytes}); sync before appending more");
        }
    }

    /// <summary>The zero fill chunk used for segments: no more than one segment's worth.</summary>
    private long ZeroFillChunkBytes => Math.Min(_options.ZeroFillChunkBytes, _options.SegmentBytes);

    private readonly record struct PendingRecord(
        int Bytes, ulong GroupId, WalRecordType Type, ulong LastIndex, HardState HardState, WalSnapshotMarker Marker);
}
