using System.CommandLine;
using System.Globalization;

namespace DKV.Simulation.Cli;

/// <summary>
/// <c>sim --seeds N --start-seed S [--nodes 1|3|5] [--ops 500] [--parallel P] [--stack production|model]</c>: runs the seeds, prints each violation with its
/// replay command, and ends with <c>ran N seeds, V violated</c>. Exit 0 when none violated, 1 otherwise.
/// </summary>
public static class SimCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var seeds = new Option<int>("--seeds") { Description = "how many seeds to run", DefaultValueFactory = _ => 100 };
        var startSeed = new Option<ulong>("--start-seed") { Description = "the first seed", DefaultValueFactory = _ => 1 };
        var nodes = new Option<int>("--nodes") { Description = "cluster size 1, 3 or 5; omitted: 1, 3 and 5 by seed", DefaultValueFactory = _ => 0 };
        var ops = new Option<int>("--ops") { Description = "client operations per seed", DefaultValueFactory = _ => 500 };
        var parallel = new Option<int>("--parallel") { Description = "seeds run at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var verbose = new Option<bool>("--verbose") { Description = "print one line per seed" };
        var stack = new Option<string?>("--stack")
        {
            Description = "production: the product WAL, snapshot store and state machine with client sessions; model: the simulator's own; omitted: drawn per seed",
        };
        var command = new Command("sim", "run deterministic whole-cluster simulations") { seeds, startSeed, nodes, ops, parallel, verbose, stack };
        command.SetAction(parsed => Run(
            parsed.GetValue(seeds), parsed.GetValue(startSeed), parsed.GetValue(nodes), parsed.GetValue(ops), parsed.GetValue(parallel), parsed.GetValue(verbose), Console.Out,
            parsed.GetValue(stack)));
        return command;
    }

    /// <summary>Runs the seeds and writes the report; returns the exit code.</summary>
    public static int Run(int seeds, ulong startSeed, int nodes, int operations, int parallel, bool verbose, TextWriter output, string? stack = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        bool? production = stack switch
        {
            null => null,
            "production" => true,
            "model" => false,
            _ => (bool?)null,
        };
        string? error = seeds < 1 ? $"--seeds must be at least 1, got {seeds}"
            : stack is not (null or "production" or "model") ? $"--stack must be 'production' or 'model', got '{stack}'"
            : nodes is not (0 or 1 or 3 or 5) ? $"--nodes must be 1, 3 or 5, got {nodes}"
            : operations is < 1 or > 1_000_000 ? $"--ops must be 1 to 1,000,000, got {operations}"
            : parallel < 1 ? $"--parallel must be at least 1, got {parallel}"
            : null;
        if (error is not null)
        {
            output.WriteLine(error);
            return 2;
        }

        var gate = new object();
        IReadOnlyList<SimResult> results = [];
        TimeSpan elapsed = SeedRunner.Time(() => results = SeedRunner.Run(startSeed, seeds, nodes, operations, parallel, options => options with { ProductionStack = production }, onResult: result =>
        {
            lock (gate)
            {
                Report(result, verbose, output);
            }
        }));
        int violated = results.Count(r => !r.Passed);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{results.Sum(r => r.Operations)} operations checked, {results.Sum(r => r.Events)} events, " +
            $"{results.Count(r => r.Profile.ProductionStack)} seeds on the production stack ({results.Sum(r => r.Deduplicated)} retried writes deduplicated), " +
            $"{elapsed.TotalSeconds:F1} s wall clock"));
        output.WriteLine($"ran {results.Count} seeds, {violated} violated");
        return violated == 0 ? 0 : 1;
    }

    private static void Report(SimResult result, bool verbose, TextWriter output)
    {
        if (!result.Passed)
        {
            output.WriteLine($"seed {result.Seed} ({result.Nodes} nodes) VIOLATED: {result.Violation}");
            output.WriteLine($"  profile: {result.Profile.Describe()}");
            output.WriteLine($"  replay: {result.ReplayCommand}");
        }
        else if (verbose)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seed {result.Seed} ({result.Nodes} nodes) ok: {result.Operations} ops ({result.Unknown} unknown), {result.Crashes} crashes, {result.Events} events, {result.SimulatedMs} ms simulated, {(result.Profile.ProductionStack ? $"production stack, {result.Deduplicated} deduplicated" : "model stack")}, trace {result.TraceHash:x16}"));
        }
    }
}
