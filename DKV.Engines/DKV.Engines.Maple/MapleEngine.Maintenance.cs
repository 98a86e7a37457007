using System.Globalization;
using DKV.Core.Storage;

namespace DKV.Engines.Maple;

/// <summary>Collection, operator information and the all-shards gate used by snapshots.</summary>
public sealed partial class MapleEngine
{
    /// <inheritdoc/>
    /// <remarks>
    /// Each shard keeps a queue of its keys ordered by their next deadline, fed by writes. A pass walks the shards round-robin,
    /// holding one shard's lock for at most <see cref="MapleOptions.CollectBatchEntries"/> deadlines, so cost is proportional to
    /// the work done and writers wait at most one small batch. One unit of work is one due deadline handled.
    /// </remarks>
    public int Collect(long nowUtcTicks, int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxEntries);
        Shard[] shards = Volatile.Read(ref _state).Shards;
        int cursor = _collectCursor % shards.Length;
        int handled = 0;
        int idleInARow = 0;
        while (handled < maxEntries && idleInARow < shards.Length)
        {
            Shard shard = shards[cursor];
            cursor = (cursor + 1) % shards.Length;
            int done;
            using (shard.Gate.EnterScope())
            {
                if (shard.Retired)
                {
                    break;
                }

                done = shard.CollectDue(nowUtcTicks, Math.Min(_options.CollectBatchEntries, maxEntries - handled));
            }

            handled += done;
            idleInARow = done == 0 ? idleInARow + 1 : 0;
        }

        _collectCursor = cursor;
        return handled;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Counts are read without locks, so under concurrent writes they are a recent estimate. <c>SizeBytes</c> is the total of
    /// key characters (two bytes each) and value bytes; <c>KeyCount</c> includes entries waiting for the collector.
    /// </remarks>
    public EngineInfo GetInfo()
    {
        Shard[] shards = Volatile.Read(ref _state).Shards;
        long total = 0;
        long bytes = 0;
        long backlog = 0;
        long min = long.MaxValue;
        long max = 0;
        var counts = new long[shards.Length];
        for (int i = 0; i < shards.Length; i++)
        {
            counts[i] = shards[i].Count;
            total += counts[i];
            bytes += shards[i].Bytes;
            backlog += shards[i].Backlog;
            min = Math.Min(min, counts[i]);
            max = Math.Max(max, counts[i]);
        }

        double mean = (double)total / shards.Length;
        double variance = counts.Sum(c => (c - mean) * (c - mean)) / shards.Length;
        var metadata = new Dictionary<string, string>
        {
            ["shard_count"] = Format(shards.Length),
            ["shard_keys_min"] = Format(min),
            ["shard_keys_max"] = Format(max),
            ["shard_keys_mean"] = Format(mean),
            ["shard_keys_stddev"] = Format(Math.Sqrt(variance)),
            ["collector_backlog"] = Format(backlog),
            ["info"] = "key_count includes expired and deleted entries the collector has not reached; collector_backlog counts keys with a pending deadline",
        };
        return new EngineInfo(EngineName, total, bytes, WriteIndex, Features, metadata);
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Takes every shard lock (in order) of the current state; returns that state. Writers wait until <see cref="UnlockAll"/>.</summary>
    private EngineState LockAll()
    {
        while (true)
        {
            EngineState state = Volatile.Read(ref _state);
            foreach (Shard shard in state.Shards)
            {
                shard.Gate.Enter();
            }

            if (!state.Shards[0].Retired)
            {
                return state;
            }

            UnlockAll(state);
        }
    }

    private static void UnlockAll(EngineState state)
    {
        for (int i = state.Shards.Length - 1; i >= 0; i--)
        {
            state.Shards[i].Gate.Exit();
        }
    }

    /// <summary>Swaps in <paramref name="replacement"/> atomically for readers and writers, and sets the write index when given.</summary>
    private void ReplaceState(EngineState replacement, ulong? writeIndex = null)
    {
        EngineState old = LockAll();
        try
        {
            foreach (Shard shard in old.Shards)
            {
                shard.Retired = true;
            }

            if (writeIndex is ulong index)
            {
                Volatile.Write(ref _writeIndex, index);
            }

            Volatile.Write(ref _state, replacement);
        }
        finally
        {
            UnlockAll(old);
        }
    }
}
