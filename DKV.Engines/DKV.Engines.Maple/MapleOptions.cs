using System.Numerics;
using DKV.Core.Errors;

namespace DKV.Engines.Maple;

/// <summary>Limits and layout of a <see cref="MapleEngine"/>. Checked by <see cref="Validate"/> when an engine is created.</summary>
public sealed record MapleOptions
{
    /// <summary>The largest value the engine stores or loads from a snapshot (1 GiB by default).</summary>
    public const int DefaultMaxValueBytes = 1 << 30;

    /// <summary>The largest key, in UTF-8 bytes, the engine stores or loads from a snapshot (64 KiB by default).</summary>
    public const int DefaultMaxKeyBytes = 64 * 1024;

    /// <summary>Number of independently locked shards. Default: four per processor, rounded up to a power of two, at least 16.</summary>
    public int ShardCount { get; init; } = DefaultShardCount();

    /// <summary>Keys the dictionary is sized for up front, so a large engine does not pause writers while it grows (0 = grow as needed).</summary>
    public int InitialCapacity { get; init; }

    /// <summary>Largest key in UTF-8 bytes; larger writes fail with <see cref="DkvErrorCode.TooLarge"/>.</summary>
    public int MaxKeyBytes { get; init; } = DefaultMaxKeyBytes;

    /// <summary>Largest value in bytes; larger writes fail with <see cref="DkvErrorCode.TooLarge"/>.</summary>
    public int MaxValueBytes { get; init; } = DefaultMaxValueBytes;

    /// <summary>Largest entry count a snapshot may declare; larger ones are rejected as corrupt before anything is read.</summary>
    public long MaxSnapshotEntries { get; init; } = 1L << 32;

    /// <summary>
    /// How many deadlines the collector handles per shard before it releases that shard's lock, so writers to a shard
    /// never wait for more than one small batch.
    /// </summary>
    public int CollectBatchEntries { get; init; } = 64;

    /// <summary>Throws <see cref="DkvException"/> (<see cref="DkvErrorCode.InvalidArgument"/>) naming the first option out of range.</summary>
    public void Validate()
    {
        Check(ShardCount is >= 1 and <= 65536, nameof(ShardCount), ShardCount, "between 1 and 65536");
        Check(InitialCapacity >= 0 && InitialCapacity <= Array.MaxLength, nameof(InitialCapacity), InitialCapacity, $"between 0 and {Array.MaxLength}");
        Check(MaxKeyBytes is >= 1, nameof(MaxKeyBytes), MaxKeyBytes, "at least 1");
        Check(MaxValueBytes >= 0 && MaxValueBytes <= Array.MaxLength, nameof(MaxValueBytes), MaxValueBytes, $"between 0 and {Array.MaxLength}");
        Check(MaxSnapshotEntries >= 0, nameof(MaxSnapshotEntries), MaxSnapshotEntries, "at least 0");
        Check(CollectBatchEntries is >= 1 and <= 1_000_000, nameof(CollectBatchEntries), CollectBatchEntries, "between 1 and 1000000");
    }

    private static void Check(bool ok, string name, long value, string range)
    {
        if (!ok)
        {
            throw new DkvException(DkvErrorCode.InvalidArgument, $"maple option {name} = {value} is out of range; set it {range}");
        }
    }

    private static int DefaultShardCount() =>
        (int)Math.Clamp(BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount * 4), 16u, 1024u);
}
