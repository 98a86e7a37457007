using System.Diagnostics;
using System.Globalization;
using DKV.Core.Errors;
using DKV.Core.Stores;

namespace DKV.Cli.Perf;

/// <summary>
/// Runs one benchmark: <c>--threads</c> concurrent workers, each with one request in flight, for the warm-up (not recorded) and
/// then for <c>--duration</c> or until <c>--ops</c> measured operations are done. Fixes upstream's faults: each worker starts at
/// its own random key offset (no lock step), mixed draws set/get/delete/has per operation (25 % each), values are random bytes
/// from the seed, and delete always deletes a key that exists: before each delete the worker sets that key (one of its own keys,
/// so no other worker deletes it first) outside the timed window; delete's ops/s is therefore measured over the time spent in
/// deletes (each worker's deletes ÷ its time inside them, summed), not over wall time.
/// </summary>
internal sealed class PerfRunner
{
    private readonly IStore _store;
    private readonly PerfOptions _options;
    private readonly byte[] _value;
    private readonly byte[] _largeValue;
    private long _measured;

    public PerfRunner(IStore store, PerfOptions options)
    {
        _store = store;
        _options = options;
        var random = new Random(options.RandomSeed);
        _value = new byte[options.ValueBytes];
        _largeValue = new byte[options.LargeValueBytes];
        random.NextBytes(_value);
        random.NextBytes(_largeValue);
    }

    /// <summary>Measured operations so far in the running benchmark (for progress display).</summary>
    public long MeasuredSoFar => Interlocked.Read(ref _measured);

    /// <summary>Runs <paramref name="benchmark"/> including its key set-up and clean-up.</summary>
    public async Task<PerfResult> RunAsync(PerfBenchmark benchmark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        Interlocked.Exchange(ref _measured, 0);
        if (benchmark.Populate)
        {
            await ForEachKeyAsync(benchmark, key => _store.SetAsync(key, _value, cancellationToken).AsTask()).ConfigureAwait(false);
        }

        var clock = Stopwatch.StartNew();
        long warmupEnd = ToTicks(_options.WarmupFor);
        long measureEnd = _options.OpCount > 0 ? long.MaxValue : warmupEnd + ToTicks(_options.MeasureFor);
        long remaining = _options.OpCount;
        var seeds = new Random(_options.RandomSeed ^ benchmark.Name.GetHashCode(StringComparison.Ordinal));
        var workers = Enumerable.Range(0, _options.ThreadCount)
            .Select(w => (Worker: w, Seed: seeds.Next()))
            .Select(x => Task.Run(() => WorkAsync(benchmark, x.Worker, x.Seed, clock, warmupEnd, measureEnd, () => Interlocked.Decrement(ref remaining) >= 0, cancellationToken), cancellationToken))
            .ToArray();
        var tallies = await Task.WhenAll(workers).ConfigureAwait(false);
        double measuredSeconds = Math.Max(clock.Elapsed.TotalSeconds - _options.WarmupFor.TotalSeconds, 1e-9);

        await CleanUpAsync(benchmark, cancellationToken).ConfigureAwait(false);
        var latency = new LatencyHistogram();
        foreach (var tally in tallies)
        {
            latency.Add(tally.Latency);
        }

        long ops = tallies.Sum(t => t.Ops);
        double opsPerSecond = benchmark.Operation == PerfOperation.Delete
            ? tallies.Where(t => t.BusyTicks > 0).Sum(t => t.Ops / (t.BusyTicks / (double)Stopwatch.Frequency))
            : ops / measuredSeconds;
        return new PerfResult(benchmark.Name, ops, opsPerSecond, latency, tallies.Sum(t => t.Errors), tallies.Select(t => t.FirstError).FirstOrDefault(e => e is not null));
    }

    private async Task<WorkerTally> WorkAsync(PerfBenchmark benchmark, int worker, int seed, Stopwatch clock, long warmupEnd, long measureEnd,
        Func<bool> takeMeasuredOp, CancellationToken cancellationToken)
    {
        var tally = new WorkerTally();
        var random = new Random(seed);
        int keys = _options.KeyCount;
        long counter = random.Next(keys);
        string prefix = benchmark.Operation == PerfOperation.Delete
            ? string.Create(CultureInfo.InvariantCulture, $"{benchmark.KeyPrefix}{worker}-")
            : benchmark.KeyPrefix;
        while (!cancellationToken.IsCancellationRequested)
        {
            long start = clock.ElapsedTicks;
            if (start >= measureEnd)
            {
                break;
            }

            bool measured = start >= warmupEnd;
            if (measured && _options.OpCount > 0 && !takeMeasuredOp())
            {
                break;
            }

            string key = string.Create(CultureInfo.InvariantCulture, $"{prefix}{counter++ % keys}");
            try
            {
                if (benchmark.Operation == PerfOperation.Delete)
                {
                    await _store.SetAsync(key, _value, cancellationToken).ConfigureAwait(false);
                    start = clock.ElapsedTicks;
                }

                await OperateAsync(benchmark.Operation, key, random, cancellationToken).ConfigureAwait(false);
                long elapsed = clock.ElapsedTicks - start;
                if (measured)
                {
                    tally.Ops++;
                    tally.BusyTicks += elapsed;
                    tally.Latency.Record(elapsed * 1_000_000_000 / Stopwatch.Frequency);
                    Interlocked.Increment(ref _measured);
                }
            }
            catch (Exception ex) when (ex is DkvException or IOException or TimeoutException)
            {
                if (measured)
                {
                    tally.Errors++;
                    tally.FirstError ??= $"({benchmark.Name}) {ex.Message}";
                }
            }
        }

        return tally;
    }

    private ValueTask OperateAsync(PerfOperation operation, string key, Random random, CancellationToken cancellationToken) => operation switch
    {
        PerfOperation.Set => Done(_store.SetAsync(key, _value, cancellationToken)),
        PerfOperation.SetLarge => Done(_store.SetAsync(key, _largeValue, cancellationToken)),
        PerfOperation.Get => Done(_store.GetAsync(key, cancellationToken)),
        PerfOperation.Delete => Done(_store.DeleteAsync(key, cancellationToken)),
        PerfOperation.Has or PerfOperation.HasNot => Done(_store.HasAsync(key, cancellationToken)),
        PerfOperation.Mixed => OperateAsync((PerfOperation)new[] { 0, 2, 3, 4 }[random.Next(4)], key, random, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "unknown benchmark operation"),
    };

    private static async ValueTask Done<T>(ValueTask<T> pending) => await pending.ConfigureAwait(false);

    private async Task CleanUpAsync(PerfBenchmark benchmark, CancellationToken cancellationToken)
    {
        if (benchmark.Operation == PerfOperation.HasNot)
        {
            return;
        }

        if (benchmark.Operation == PerfOperation.Delete)
        {
            for (int w = 0; w < _options.ThreadCount; w++)
            {
                var own = benchmark with { KeyPrefix = string.Create(CultureInfo.InvariantCulture, $"{benchmark.KeyPrefix}{w}-") };
                await ForEachKeyAsync(own, key => _store.DeleteAsync(key, cancellationToken).AsTask()).ConfigureAwait(false);
            }

            return;
        }

        await ForEachKeyAsync(benchmark, key => _store.DeleteAsync(key, cancellationToken).AsTask()).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="action"/> for every key of <paramref name="benchmark"/>, up to 32 at a time.</summary>
    private async Task ForEachKeyAsync(PerfBenchmark benchmark, Func<string, Task> action)
    {
        var keys = Enumerable.Range(0, _options.KeyCount).Select(i => string.Create(CultureInfo.InvariantCulture, $"{benchmark.KeyPrefix}{i}"));
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (key, _) => await action(key).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
