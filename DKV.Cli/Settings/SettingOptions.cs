using System.Collections;
using System.CommandLine;
using DKV.Host.Config;

namespace DKV.Cli.Settings;

/// <summary>
/// Command-line options generated from <see cref="SettingDefinition"/>s, so every flag has the same name in JSON and the same
/// <c>DKV_*</c> variable, and help shows each default and variable. Values stay text here; <see cref="SettingParser"/> types them.
/// </summary>
public sealed class SettingOptions
{
    private readonly List<(SettingDefinition Definition, Option Option)> _options = [];

    /// <param name="definitions">The settings to offer.</param>
    /// <param name="recursive">Offer them on subcommands too (the kv and lock groups).</param>
    /// <param name="aliases">Extra spellings by setting name, for example <c>endpoints</c> → <c>--transport-endpoints</c>.</param>
    public SettingOptions(IEnumerable<SettingDefinition> definitions, bool recursive, IReadOnlyDictionary<string, string[]>? aliases = null)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        foreach (var definition in definitions)
        {
            string[] extra = aliases is not null && aliases.TryGetValue(definition.Name, out var more) ? more : [];
            string help = definition.Description
                + (definition.DefaultValue is null ? string.Empty : $" [default: {definition.DefaultValue}]")
                + $" [env: {definition.EnvironmentName}]";
            Option option = definition.IsList
                ? new Option<string[]>("--" + definition.Name, extra) { Description = help, Recursive = recursive, AllowMultipleArgumentsPerToken = false }
                : new Option<string>("--" + definition.Name, extra)
                {
                    Description = help,
                    Recursive = recursive,
                    Arity = definition.IsSwitch ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
                    HelpName = definition.IsSwitch ? "true|false" : "value",
                };
            _options.Add((definition, option));
        }
    }

    public IEnumerable<SettingDefinition> Definitions => _options.Select(o => o.Definition);

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var (_, option) in _options)
        {
            command.Add(option);
        }
    }

    /// <summary>The flags given explicitly on this command line: name → values (empty for a switch given alone).</summary>
    public Dictionary<string, IReadOnlyList<string>> ExplicitFlags(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var flags = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (definition, option) in _options)
        {
            if (parseResult.GetResult(option) is { Implicit: false } result)
            {
                flags[definition.Name] = result.Tokens.Select(t => t.Value).ToList();
            }
        }

        return flags;
    }

    /// <summary>Layers the environment and the explicit flags (and a JSON file when given) over the defaults.</summary>
    public SettingsSources Resolve(ParseResult parseResult, IDictionary environment, string? jsonFile = null) =>
        SettingsSources.Create(Definitions, jsonFile, environment, ExplicitFlags(parseResult));
}
