using System.Diagnostics;
using DKV.Core.Errors;
using DKV.Core.Stores;

namespace DKV.LoadTest;

/// <summary>
/// Drives a store with a fixed number of requests in flight (one loop per in-flight slot), each picking a random key,
/// for a warm-up and then a measured phase per operation.
/// </summary>
internal sealed class LoadRunner
{
    private readonly IStore _store;
    private readonly LoadTestOptions _options;
    private readonly byte[][] _values;
    private readonly string[] _keys;

    public LoadRunner(IStore store, LoadTestOptions options, int seed)
    {
        _store = store;
        _options = options;
        var random = new Random(seed);
        _keys = Enumerable.Range(0, options.Keys).Select(i => $"loadtest-key-{i:D4}").ToArray();
        _values = Enumerable.Range(0, options.Keys).Select(_ =>
        {
            byte[] value = new byte[options.ValueBytes];
            random.NextBytes(value);
            return value;
        }).ToArray();
    }

    public async Task<PhaseResult> RunAsync(string operation, TimeSpan duration, bool record)
    {
        using var stop = new CancellationTokenSource(duration);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, _options.Inflight).Select(i => WorkerAsync(operation, i, record, stop.Token)).ToArray();
        var results = await Task.WhenAll(workers).ConfigureAwait(false);
        TimeSpan elapsed = clock.Elapsed;
        long allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        long[] latencies = record ? results.SelectMany(r => r.Latencies).ToArray() : [];
        Array.Sort(latencies);
        return new PhaseResult(operation, results.Sum(r => r.Completed), results.Sum(r => r.Errors), elapsed, latencies, results.Select(r => r.FirstError).FirstOrDefault(e => e is not null), allocated);
    }

    private async Task<(long Completed, long Errors, List<long> Latencies, string? FirstError)> WorkerAsync(string operation, int worker, bool record, CancellationToken stop)
    {
        await Task.Yield();
        var random = new Random(worker * 7919);
        var latencies = new List<long>(record ? 16_384 : 0);
        long completed = 0;
        long errors = 0;
        string? firstError = null;
        while (!stop.IsCancellationRequested)
        {
            int k = random.Next(_keys.Length);
            long start = Stopwatch.GetTimestamp();
            try
            {
                if (operation == "set")
                {
                    await _store.SetAsync(_keys[k], _values[k], CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    GetResult hit = await _store.GetAsync(_keys[k], CancellationToken.None).ConfigureAwait(false);
                    if (!hit.Found)
                    {
                        throw new InvalidOperationException($"key {_keys[k]} was not found; the set phase should have written it");
                    }
                }

                completed++;
                if (record)
                {
                    latencies.Add(Stopwatch.GetTimestamp() - start);
                }
            }
            catch (Exception ex) when (ex is DkvException or InvalidOperationException)
            {
                errors++;
                firstError ??= ex.Message;
            }
        }

        return (completed, errors, latencies, firstError);
    }
}
