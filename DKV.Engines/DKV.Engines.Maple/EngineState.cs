using System.Collections.Concurrent;

namespace DKV.Engines.Maple;

/// <summary>
/// Everything a load replaces at once: the one dictionary readers probe and the shards that serialize writers, hold the
/// deadline queues and count keys and bytes. Every key belongs to exactly one shard (<see cref="ShardSelector"/>), and only
/// that shard's lock holder changes the key's dictionary entry.
/// </summary>
internal sealed class EngineState
{
    public EngineState(int shardCount, int initialCapacity)
    {
        // The dictionary's own striping matches the shard count: writers of different shards rarely meet on its locks.
        Map = new ConcurrentDictionary<string, Entry>(Math.Min(shardCount, 1024), initialCapacity);
        Shards = new Shard[shardCount];
        for (int i = 0; i < Shards.Length; i++)
        {
            Shards[i] = new Shard(Map);
        }
    }

    /// <summary>Key to current entry; readers use it without locks.</summary>
    public ConcurrentDictionary<string, Entry> Map { get; }

    public Shard[] Shards { get; }

    public Shard ShardOf(string key) => Shards[ShardSelector.ShardOf(key, Shards.Length)];
}
