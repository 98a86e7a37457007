using DKV.Core.Errors;

namespace DKV.Consensus.Storage;

/// <summary>Options of a <see cref="WriteAheadLog"/>. Validated by <see cref="Validate"/> when the log opens.</summary>
public sealed record WalOptions
{
    /// <summary>The folder that holds the segment files (created when missing).</summary>
    public required string Directory { get; init; }

    /// <summary>A segment is closed and a new one started once a record would take it past this size. Default 64 MiB.</summary>
    public long SegmentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The largest record payload accepted on write and on read (checked before allocating). Default 16 MiB.</summary>
    public int MaxRecordBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>How many bytes may be appended and not yet synced; <see cref="WriteAheadLog.Append"/> refuses more. Default 256 MiB.</summary>
    public long MaxBufferedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// How far ahead of the data a segment is filled with written zeros, in bytes (capped at <see cref="SegmentBytes"/>); 0 turns
    /// it off. Syncing writes into existing blocks with fdatasync avoids a file-system journal commit per sync. Default 1 MiB.
    /// </summary>
    public long ZeroFillChunkBytes { get; init; } = 1024L * 1024;

    /// <summary>The most <see cref="ZeroFillChunkBytes"/> may be (1 GiB).</summary>
    public const long MaxZeroFillChunkBytes = 1024L * 1024 * 1024;

    /// <summary>Throws <see cref="DkvException"/> (InvalidArgument) naming the bad option and the allowed range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, "WAL directory is empty; set WalOptions.Directory to a folder path");
        }

        if (MaxRecordBytes < 1024)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument,
                $"WalOptions.MaxRecordBytes is {MaxRecordBytes}; use at least 1024");
        }

        if (SegmentBytes < 4096)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument,
                $"WalOptions.SegmentBytes is {SegmentBytes}; use at least 4096");
        }

        if (ZeroFillChunkBytes != 0 && ZeroFillChunkBytes is < 4096 or > MaxZeroFillChunkBytes)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument,
                $"WalOptions.ZeroFillChunkBytes is {ZeroFillChunkBytes}; use 0 (off) or 4096 to {MaxZeroFillChunkBytes}");
        }

        if (MaxBufferedBytes < MaxRecordBytes)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument,
                $"WalOptions.MaxBufferedBytes is {MaxBufferedBytes}; use at least MaxRecordBytes ({MaxRecordBytes})");
        }
    }
}
