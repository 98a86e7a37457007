namespace DKV.Engines.Maple;

/// <summary>
/// The Maple snapshot layout (all integers little-endian):
/// <code>
/// magic "DKVMAPLE" (8) | u16 version | u16 flags (0) | u64 writeIndex | u64 count |
/// count x { u32 keyLength | key (UTF-8) | u32 valueLength | value | i64 expireAtUtcTicks | i64 deleteAtUtcTicks | u64 index } |
/// u32 CRC-32C of every byte before it
/// </code>
/// Deadlines: 0 = none, <see cref="long.MinValue"/> = passed since forever (Expire/Delete), otherwise UTC ticks.
/// </summary>
internal static class SnapshotFormat
{
    public const ushort Version = 1;

    /// <summary>Bytes of the fixed part of an entry (lengths, deadlines, index), without key and value.</summary>
    public const int EntryFixedBytes = sizeof(uint) + sizeof(uint) + sizeof(long) + sizeof(long) + sizeof(ulong);

    public const int HeaderBytes = 8 + sizeof(ushort) + sizeof(ushort) + sizeof(ulong) + sizeof(ulong);

    public const int TrailerBytes = sizeof(uint);

    public static ReadOnlySpan<byte> Magic => "DKVMAPLE"u8;

    /// <summary>True for a deadline value a snapshot may hold.</summary>
    public static bool IsValidDeadline(long ticks) => ticks >= 0 || ticks == Entry.Always;
}
