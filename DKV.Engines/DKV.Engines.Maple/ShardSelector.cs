using System.Numerics;
using System.Runtime.InteropServices;

namespace DKV.Engines.Maple;

/// <summary>
/// Picks a key's shard with a cheap multiplicative hash over its UTF-16 code units, eight bytes at a time.
/// </summary>
/// <remarks>
/// The shard dictionaries hash keys again with the runtime's string hashing (which falls back to randomized hashing on
/// collision floods), so this hash only spreads load across shard locks; it is not a security boundary. It is a pure function
/// of the key, so shard placement is the same in every process (snapshots do not depend on it).
/// </remarks>
internal static class ShardSelector
{
    private const ulong Multiplier = 0x9E3779B97F4A7C15UL;

    /// <summary>The shard of <paramref name="key"/> among <paramref name="shardCount"/>.</summary>
    public static int ShardOf(string key, int shardCount)
    {
        ReadOnlySpan<char> chars = key;
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<char, ulong>(chars);
        ulong hash = (ulong)chars.Length * Multiplier;
        foreach (ulong word in words)
        {
            hash = BitOperations.RotateLeft((hash ^ word) * Multiplier, 29);
        }

        for (int i = words.Length * 4; i < chars.Length; i++)
        {
            hash = BitOperations.RotateLeft((hash ^ chars[i]) * Multiplier, 29);
        }

        hash ^= hash >> 32;
        hash *= Multiplier;
        return (int)(((hash >> 32) * (ulong)(uint)shardCount) >> 32);
    }
}
