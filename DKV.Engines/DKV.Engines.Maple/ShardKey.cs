namespace DKV.Engines.Maple;

/// <summary>A key with its hash computed once, so choosing the shard and probing its dictionary hash the string only once.</summary>
internal readonly struct ShardKey : IEquatable<ShardKey>
{
    public readonly string Key;
    public readonly int Hash;

    public ShardKey(string key)
    {
        Key = key;
        Hash = key.GetHashCode(StringComparison.Ordinal);
    }

    public bool Equals(ShardKey other) => Hash == other.Hash && string.Equals(Key, other.Key, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is ShardKey other && Equals(other);

    public override int GetHashCode() => Hash;

    /// <summary>Maps the hash onto [0, <paramref name="shardCount"/>) using its high bits (the dictionary uses the low ones).</summary>
    public int ShardOf(int shardCount) => (int)(((ulong)(uint)Hash * (uint)shardCount) >> 32);
}
