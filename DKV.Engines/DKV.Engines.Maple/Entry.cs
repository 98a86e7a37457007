namespace DKV.Engines.Maple;

/// <summary>
/// One immutable version of a key's state, stored inline in the dictionary node. The dictionary replaces the whole node
/// when a key is written (values wider than a pointer are never updated in place), so a reader copies one consistent version
/// and the value memory it hands out stays valid.
/// </summary>
/// <remarks>
/// Deadlines are absolute UTC ticks; 0 means none and <see cref="Always"/> means "since forever" (used by Expire and Delete so the
/// outcome does not depend on the clock of a later reader). Deleted implies expired.
/// </remarks>
internal readonly struct Entry : IEquatable<Entry>
{
    /// <summary>A deadline that every instant has passed.</summary>
    public const long Always = long.MinValue;

    /// <summary>The queue priority of an entry with nothing left for the collector to do.</summary>
    public const long NoDeadline = long.MaxValue;

    public readonly ReadOnlyMemory<byte> Value;
    public readonly long ExpireAtUtcTicks;
    public readonly long DeleteAtUtcTicks;
    public readonly ulong Index;

    public Entry(ReadOnlyMemory<byte> value, long expireAtUtcTicks, long deleteAtUtcTicks, ulong index)
    {
        Value = value;
        ExpireAtUtcTicks = expireAtUtcTicks;
        DeleteAtUtcTicks = deleteAtUtcTicks;
        Index = index;
    }

    /// <summary>Bytes counted for one key and its entry: two per key char plus the value bytes.</summary>
    public static long SizeOf(string key, in Entry entry) => ((long)key.Length * sizeof(char)) + entry.Value.Length;

    public bool IsDeletedAt(long nowUtcTicks) => DeleteAtUtcTicks != 0 && nowUtcTicks >= DeleteAtUtcTicks;

    public bool IsExpiredAt(long nowUtcTicks) => ExpireAtUtcTicks != 0 && nowUtcTicks >= ExpireAtUtcTicks;

    /// <summary>Visible to Get: neither expired nor deleted.</summary>
    public bool IsVisibleAt(long nowUtcTicks) => !IsExpiredAt(nowUtcTicks) && !IsDeletedAt(nowUtcTicks);

    /// <summary>
    /// The next instant at which the collector can change this entry: its delete deadline, or its expire deadline while it still
    /// holds a value to free. <see cref="NoDeadline"/> when there is none.
    /// </summary>
    public long NextCollectAtUtcTicks
    {
        get
        {
            long next = DeleteAtUtcTicks != 0 ? DeleteAtUtcTicks : NoDeadline;
            if (ExpireAtUtcTicks != 0 && !Value.IsEmpty && ExpireAtUtcTicks < next)
            {
                next = ExpireAtUtcTicks;
            }

            return next;
        }
    }

    /// <summary>The same entry with its value released (used once it has expired; reads cannot tell the difference).</summary>
    public Entry WithoutValue() => new(ReadOnlyMemory<byte>.Empty, ExpireAtUtcTicks, DeleteAtUtcTicks, Index);

    /// <summary>Same version: same value memory, deadlines and index.</summary>
    public bool Equals(Entry other) =>
        Value.Equals(other.Value) && ExpireAtUtcTicks == other.ExpireAtUtcTicks && DeleteAtUtcTicks == other.DeleteAtUtcTicks && Index == other.Index;

    public override bool Equals(object? obj) => obj is Entry other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Value, ExpireAtUtcTicks, DeleteAtUtcTicks, Index);
}
