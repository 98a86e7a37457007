using System.Collections.Concurrent;
using System.Diagnostics;

namespace DKV.Simulation;

/// <summary>Runs a range of seeds, several at once on the thread pool; each seed is its own single-threaded, deterministic simulation.</summary>
public static class SeedRunner
{
    /// <summary>The cluster size a seed runs with when none is forced: 1, 3 and 5 nodes in turn.</summary>
    public static int NodesForSeed(ulong seed) => (seed % 3) switch
    {
        0 => 1,
        1 => 3,
        _ => 5,
    };

    /// <summary>
    /// Runs seeds [<paramref name="startSeed"/>, <paramref name="startSeed"/> + <paramref name="count"/>) and returns their results in seed order.
    /// <paramref name="nodes"/> 0 picks <see cref="NodesForSeed"/>. <paramref name="onResult"/> is called as each seed finishes (from pool threads).
    /// </summary>
    public static IReadOnlyList<SimResult> Run(
        ulong startSeed, int count, int nodes, int operations, int parallelism, Func<SimOptions, SimOptions>? customize = null, Action<SimResult>? onResult = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var results = new ConcurrentDictionary<ulong, SimResult>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        Parallel.For(0, count, options, i =>
        {
            ulong seed = startSeed + (ulong)i;
            var simOptions = new SimOptions { Seed = seed, Nodes = nodes == 0 ? NodesForSeed(seed) : nodes, Operations = operations };
            SimResult result = new Simulator(customize?.Invoke(simOptions) ?? simOptions).Run();
            results[seed] = result;
            onResult?.Invoke(result);
        });
        return results.OrderBy(pair => pair.Key).Select(pair => pair.Value).ToList();
    }

    /// <summary>Measures <paramref name="action"/> in wall-clock time.</summary>
    public static TimeSpan Time(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start);
    }
}
