using System.Numerics;

namespace DKV.Cli.Perf;

/// <summary>
/// A log-bucketed latency histogram in the style of HdrHistogram (the HdrHistogram package does not restore in this build
/// environment, so this is a small own one): values below 128 ns are exact, above that every power of two is split into 128
/// linear sub-buckets, so a reported value is within 1/128 (under 0.8 %) of the recorded one. Every operation is recorded;
/// there is no sampling. Not thread-safe: each worker owns one and they are merged after the run.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 7;
    private const int SubBuckets = 1 << SubBucketBits;

    /// <summary>Enough buckets for values up to 2^62 ns.</summary>
    private const int BucketCount = (62 - SubBucketBits + 1) * SubBuckets + SubBuckets;

    private readonly long[] _counts = new long[BucketCount];

    /// <summary>How many values were recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The largest recorded value, exact, in nanoseconds (0 when empty).</summary>
    public long Max { get; private set; }

    /// <summary>Records one latency in nanoseconds; negative values count as 0.</summary>
    public void Record(long nanoseconds)
    {
        long value = Math.Clamp(nanoseconds, 0, (1L << 62) - 1);
        _counts[IndexOf(value)]++;
        Count++;
        if (value > Max)
        {
            Max = value;
        }
    }

    /// <summary>Adds every value recorded in <paramref name="other"/>.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>
    /// The value at percentile <paramref name="percentile"/> (0..100), in nanoseconds: the highest value equivalent to the bucket
    /// holding that rank (never above <see cref="Max"/>); 0 when empty.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(Math.Clamp(percentile, 0, 100) / 100.0 * Count));
        long seen = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(HighestEquivalent(i), Max);
            }
        }

        return Max;
    }

    internal static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        int shift = BitOperations.Log2((ulong)value) - SubBucketBits;
        long sub = value >> shift; // in [SubBuckets, 2 * SubBuckets)
        return ((shift + 1) * SubBuckets) + (int)(sub - SubBuckets);
    }

    internal static long HighestEquivalent(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        int shift = (index / SubBuckets) - 1;
        long sub = (index % SubBuckets) + SubBuckets;
        return ((sub + 1) << shift) - 1;
    }
}
