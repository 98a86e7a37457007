using System.Collections;
using System.CommandLine;
using DKV.Cli.Output;
using DKV.Cli.Settings;
using DKV.Core.Errors;
using DKV.Host.Config;

namespace DKV.Cli.Commands;

/// <summary>What one kv or lock command does once connected: returns the exit code.</summary>
internal delegate Task<int> ClientAction(ParseResult parseResult, SettingsSources settings, ClientContext client, CommandOutput output, CancellationToken cancellationToken);

/// <summary>
/// Builds kv and lock subcommands: the shared client flags (recursive on the group), the command's own flags, settings resolved
/// from flags over <c>DKV_*</c>, a connection, and the mapping of failures to exit codes and <c>error:</c> lines.
/// </summary>
internal sealed class ClientCommand
{
    private readonly SettingOptions _common;
    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly IDictionary _environment;

    public ClientCommand(SettingOptions common, TextWriter output, TextWriter error, IDictionary environment)
    {
        _common = common;
        _out = output;
        _error = error;
        _environment = environment;
    }

    /// <summary>Sets <paramref name="command"/>'s action; <paramref name="local"/> are its own setting flags (already added to it).</summary>
    /// <param name="adjustFlags">Optional: rewrites the explicit flags before settings are resolved (kv perf maps --connections).</param>
    public void SetAction(Command command, SettingOptions? local, ClientAction action, Func<SettingsSources, TimeSpan>? minimumTimeout = null,
        Action<Dictionary<string, IReadOnlyList<string>>>? adjustFlags = null)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = new CommandOutput(_out, _error, json: false);
            try
            {
                var flags = _common.ExplicitFlags(parseResult);
                foreach (var pair in local?.ExplicitFlags(parseResult) ?? [])
                {
                    flags[pair.Key] = pair.Value;
                }

                adjustFlags?.Invoke(flags);

                var definitions = _common.Definitions.Concat(local?.Definitions ?? []);
                var settings = SettingsSources.Create(definitions, null, _environment, flags);
                output = new CommandOutput(_out, _error, json: OutputIsJson(settings.Get(ClientSettings.Output)));
                var minimum = minimumTimeout?.Invoke(settings) ?? TimeSpan.Zero;
                var client = await ClientContext.ConnectAsync(settings, minimum, cancellationToken).ConfigureAwait(false);
                await using (client.ConfigureAwait(false))
                {
                    return await action(parseResult, settings, client, output, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (ConfigException ex)
            {
                output.Error("usage", ex.Message);
                return ExitCodes.Usage;
            }
            catch (DkvException ex)
            {
                output.Error(DkvErrorCodes.ToName(ex.Code), ex.Message);
                return ExitCodes.Failed;
            }
        });
    }

    private static bool OutputIsJson(Setting setting) => SettingParser.Text(setting).ToUpperInvariant() switch
    {
        "TEXT" => false,
        "JSON" => true,
        _ => throw SettingParser.Invalid(setting, "text or json"),
    };
}
