using System.CommandLine;
using DKV.Cli.Commands;
using DKV.Cli.Settings;
using DKV.Core.Rpc;
using Spectre.Console;

namespace DKV.Cli.Perf;

/// <summary>
/// <c>dkv kv perf</c>: upstream's benchmarks (set, set-large, get, delete, has, has-not, mixed) against a live server, with a
/// live progress bar on a terminal (plain lines when output is redirected), a result table and an optional CSV.
/// </summary>
internal static class PerfCommand
{
    public static Command Create(ClientCommand runner, TextWriter output)
    {
        var command = new Command("perf", "Benchmark a live server: set, set-large, get, delete, has, has-not, mixed (latency over every operation)");
        var local = new SettingOptions(PerfOptions.Definitions, recursive: false);
        local.AddTo(command);
        runner.SetAction(command, local, async (_, settings, client, _, ct) =>
        {
            var options = PerfOptions.From(settings);
            var store = new RemoteStore(client.Transport, client.Serializer, client.Shard);
            await output.WriteLineAsync("Benchmarking tool for dKV servers\n\nConfiguration:").ConfigureAwait(false);
            foreach (string line in options.Describe())
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
            }

            await output.WriteLineAsync("\nstarting benchmarks...").ConfigureAwait(false);
            var results = await RunAllAsync(new PerfRunner(store, options), options, output, ct).ConfigureAwait(false);
            if (options.CsvPath is not null)
            {
                await output.WriteLineAsync($"\nExporting results to CSV: {options.CsvPath}").ConfigureAwait(false);
                await PerfReport.WriteCsvAsync(options.CsvPath, results, options, ct).ConfigureAwait(false);
                await output.WriteLineAsync("Export complete").ConfigureAwait(false);
            }

            foreach (var failed in results.Where(r => r.FirstError is not null))
            {
                await output.WriteLineAsync($"{failed.Benchmark}: {failed.Errors} errors, first: {failed.FirstError}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        },
        // Checked before connecting (this hook runs first), so a bad perf flag is a usage error even when no server answers.
        minimumTimeout: settings =>
        {
            _ = PerfOptions.From(settings);
            return TimeSpan.Zero;
        },
        adjustFlags: flags =>
        {
            // --connections is perf's name for --transport-conn-per-endpoint; it wins when both are given.
            if (flags.TryGetValue(PerfOptions.Connections, out var connections))
            {
                flags[ClientSettings.ConnectionsPerEndpoint] = connections;
            }
        });
        return command;
    }

    private static async Task<List<PerfResult>> RunAllAsync(PerfRunner runner, PerfOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        bool live = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        var results = new List<PerfResult>();
        var rows = new List<string> { PerfReport.TableHeader };
        foreach (var benchmark in PerfBenchmark.All)
        {
            if (options.Skipped.Contains(benchmark.Name))
            {
                rows.Add(PerfReport.Skipped(benchmark.Name));
                continue;
            }

            if (!live)
            {
                await output.WriteLineAsync($"running {benchmark.Name}...").ConfigureAwait(false);
            }

            var result = live
                ? await RunWithProgressAsync(runner, benchmark, options, cancellationToken).ConfigureAwait(false)
                : await runner.RunAsync(benchmark, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            rows.Add(PerfReport.Row(result));
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        foreach (string row in rows)
        {
            await output.WriteLineAsync(row).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>Runs one benchmark under a Spectre.Console progress bar (time-based, or by operations with --ops).</summary>
    private static async Task<PerfResult> RunWithProgressAsync(PerfRunner runner, PerfBenchmark benchmark, PerfOptions options, CancellationToken cancellationToken)
    {
        return await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(benchmark.Name, maxValue: options.OpCount > 0 ? options.OpCount : (options.WarmupFor + options.MeasureFor).TotalSeconds);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var running = runner.RunAsync(benchmark, cancellationToken);
                while (await Task.WhenAny(running, Task.Delay(200, cancellationToken)).ConfigureAwait(false) != running)
                {
                    task.Value = options.OpCount > 0 ? runner.MeasuredSoFar : clock.Elapsed.TotalSeconds;
                }

                task.Value = task.MaxValue;
                return await running.ConfigureAwait(false);
            }).ConfigureAwait(false);
    }
}
