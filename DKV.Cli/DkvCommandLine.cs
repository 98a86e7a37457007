using System.Collections;
using System.CommandLine;
using DKV.Cli.Commands;
using DKV.Cli.Settings;

namespace DKV.Cli;

/// <summary>The dkv command tree and how it runs: parse errors are usage errors (exit 2) reported without the whole usage text.</summary>
public static class DkvCommandLine
{
    public const string Version = "0.1.0";

    /// <summary>Builds the tree writing to <paramref name="output"/>/<paramref name="error"/> and reading <c>DKV_*</c> from <paramref name="environment"/>.</summary>
    public static RootCommand Build(TextWriter output, TextWriter error, IDictionary environment)
    {
        var root = new RootCommand("dKV.NET: a distributed, linearizable key-value store and lock service");
        root.Add(ServeCommand.Create(error, environment));
        var kvCommon = new SettingOptions(ClientSettings.For(100), recursive: true, ClientSettings.Aliases);
        var lockCommon = new SettingOptions(ClientSettings.For(200), recursive: true, ClientSettings.Aliases);
        var kvRunner = new ClientCommand(kvCommon, output, error, environment);
        var kv = KvCommands.Create(kvCommon, kvRunner);
        kv.Add(Perf.PerfCommand.Create(kvRunner, output));
        kv.Add(Perf.SelfTestCommand.Create(kvRunner, output, error));
        root.Add(kv);
        root.Add(LockCommands.Create(lockCommon, new ClientCommand(lockCommon, output, error, environment)));
        root.Add(Cluster.ClusterCommands.Create(output, error, environment));
        root.Add(PluginsCommand.Create(output, error, environment));
        var version = new Command("version", "Print the version");
        version.SetAction(_ => output.WriteLine($"dKV.NET v{Version}"));
        root.Add(version);
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IDictionary environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = Build(output, error, WithUpstreamAliases(environment));
        var parseResult = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}").ConfigureAwait(false);
            }

            string path = string.Join(' ', CommandPath(parseResult.CommandResult.Command, root));
            await error.WriteLineAsync($"run '{path} --help' for usage").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            // dkv serve handles SIGINT/SIGTERM itself, to drain in-flight requests before exiting 0.
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A copy of the environment where upstream's <c>DKV_TRANSPORT_ENDPOINTS</c> stands in for <c>DKV_ENDPOINTS</c> when that is unset.</summary>
    private static Hashtable WithUpstreamAliases(IDictionary environment)
    {
        var copy = new Hashtable(environment);
        if (copy["DKV_ENDPOINTS"] is null && copy["DKV_TRANSPORT_ENDPOINTS"] is string upstream)
        {
            copy["DKV_ENDPOINTS"] = upstream;
        }

        return copy;
    }

    private static IEnumerable<string> CommandPath(Command command, RootCommand root)
    {
        var names = new List<string>();
        for (var current = command; current is not null && current != root; current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, current.Name);
        }

        names.Insert(0, "dkv");
        return names;
    }
}
