using System.Collections;
using System.CommandLine;
using System.Globalization;
using DKV.Cli.Commands;
using DKV.Cli.Output;
using DKV.Cli.Settings;
using DKV.Core.Errors;
using DKV.Host.Config;

namespace DKV.Cli.Cluster;

/// <summary><c>dkv cluster status</c>: every endpoint's view of every replicated shard, as one table per shard.</summary>
internal static class ClusterCommands
{
    private const string Shards = "shard";

    public static Command Create(TextWriter output, TextWriter error, IDictionary environment)
    {
        var group = new Command("cluster", "Inspect a dKV cluster");
        var status = new Command("status", """
            Ask each node (--endpoints, the client ports of dkv serve) for its view of each replicated shard, and print a table
            per shard: a row per node with its role, term, the leader it knows, commit and applied index, first and last log
            index, and log size. A node that cannot be reached is a row saying why. Exit code 1 when no node answered.
            Example: dkv cluster status --endpoints 127.0.0.1:8081,127.0.0.1:8082,127.0.0.1:8083
            """);
        var definitions = ClientSettings.For(100).Where(d => d.Name != ClientSettings.Shard).Append(
            new SettingDefinition(Shards, "every replicated shard a node serves", "Shard ids to show, comma-separated or repeated", IsList: true)).ToList();
        var settings = new SettingOptions(definitions, recursive: false, ClientSettings.Aliases);
        settings.AddTo(status);
        status.SetAction(async (parseResult, cancellationToken) =>
        {
            var printer = new CommandOutput(output, error, json: false);
            try
            {
                var sources = settings.Resolve(parseResult, environment);
                printer = new CommandOutput(output, error, json: string.Equals(SettingParser.Text(sources.Get(ClientSettings.Output)), "json", StringComparison.OrdinalIgnoreCase));
                var shardIds = ShardIds(sources);
                var connector = ClientConnector.Create(sources, TimeSpan.Zero);
                await using (connector.ConfigureAwait(false))
                {
                    var answers = await ClusterStatusCollector.CollectAsync(connector, shardIds, cancellationToken).ConfigureAwait(false);
                    if (!ClusterStatusReport.AnyAnswered(answers))
                    {
                        string reasons = string.Join("; ", answers.Select(a => $"{a.Endpoint}: {a.Error}"));
                        printer.Error(DkvErrorCodes.ToName(DkvErrorCode.Unavailable), $"no node answered ({reasons}); are they running, and is --endpoints their client port?");
                        return ExitCodes.Failed;
                    }

                    ClusterStatusReport.Print(printer, output, ClusterStatusReport.Build(answers, shardIds));
                    return ExitCodes.Success;
                }
            }
            catch (ConfigException ex)
            {
                printer.Error("usage", ex.Message);
                return ExitCodes.Usage;
            }
        });
        group.Add(status);
        return group;
    }

    private static List<ulong>? ShardIds(SettingsSources sources)
    {
        var (values, origin) = sources.GetList(Shards);
        if (origin == "default")
        {
            return null;
        }

        var ids = new List<ulong>();
        foreach (string value in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong id))
            {
                throw new ConfigException($"invalid shard ID {value} (from {origin}): not an unsigned 64-bit integer; for example --shard 100");
            }

            ids.Add(id);
        }

        return ids;
    }
}
