using System.Collections;
using Microsoft.Extensions.Configuration;

namespace DKV.Host.Config;

/// <summary>
/// The three configuration sources of DESIGN.md section 7, later wins: a JSON file (<c>--config</c>), the environment
/// (<c>DKV_</c> + flag name upper-cased, <c>-</c> as <c>_</c>), then command-line flags. Every lookup reports which source won,
/// so an error can say where a bad value came from. Immutable after construction; thread-safe.
/// </summary>
/// <remarks>
/// The JSON file is a flat object keyed by flag names, for example <c>{ "shards": "100=lstore", "transport-workers": 100 }</c>;
/// list settings may be arrays. Keys are case-insensitive. A key that names no known setting is an error, so typos surface.
/// A list setting takes its whole list from the one source that wins; lists are never merged across sources.
/// </remarks>
public sealed class SettingsSources
{
    private readonly IReadOnlyList<(IConfigurationProvider Provider, string Origin)> _layers;
    private readonly Dictionary<string, SettingDefinition> _definitions;

    private SettingsSources(IReadOnlyList<(IConfigurationProvider, string)> layers, IEnumerable<SettingDefinition> definitions, string? jsonFile)
    {
        _layers = layers;
        JsonFile = jsonFile;
        _definitions = definitions.ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Builds the layers. <paramref name="flags"/> holds only flags given explicitly on the command line (name without dashes →
    /// values; an empty list for a switch given without a value). Throws <see cref="ConfigException"/> for an unreadable JSON file
    /// or a key in it that is not a known setting.
    /// </summary>
    public static SettingsSources Create(
        IEnumerable<SettingDefinition> definitions,
        string? jsonFile,
        IDictionary? environment,
        IReadOnlyDictionary<string, IReadOnlyList<string>> flags)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(flags);
        var known = definitions.ToList();
        var layers = new List<(IConfigurationProvider, string)>();
        if (!string.IsNullOrWhiteSpace(jsonFile))
        {
            layers.Add((LoadJson(jsonFile, known), $"config file {Path.GetFullPath(jsonFile)}"));
        }

        var fromEnvironment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var definition in known)
        {
            if (environment?[definition.EnvironmentName] is string text)
            {
                AddValues(fromEnvironment, definition.Name, definition.IsList ? SplitList(text) : [text]);
            }
        }

        layers.Add((Build(fromEnvironment), "environment"));
        var fromFlags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in flags)
        {
            var definition = known.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"flag '--{name}' has no setting definition", nameof(flags));
            if (values.Count == 0)
            {
                fromFlags[definition.Name] = null;
            }
            else
            {
                AddValues(fromFlags, definition.Name, definition.IsList ? values.SelectMany(SplitList).ToList() : [values[^1]]);
            }
        }

        layers.Add((Build(fromFlags), "command line"));
        return new SettingsSources(layers, known, string.IsNullOrWhiteSpace(jsonFile) ? null : Path.GetFullPath(jsonFile));
    }

    /// <summary>The full path of the JSON file, when one was given; relative paths in it are relative to its folder.</summary>
    public string? JsonFile { get; }

    /// <summary>True when <paramref name="origin"/> (from <see cref="Get"/> or <see cref="GetList"/>) is the JSON file.</summary>
    public bool FromJsonFile(string origin) => JsonFile is not null && origin == $"config file {JsonFile}";

    /// <summary>The winning value of a single-valued setting, or its default (origin <c>default</c>) when no source sets it.</summary>
    public Setting Get(string name)
    {
        var definition = Definition(name);
        for (int i = _layers.Count - 1; i >= 0; i--)
        {
            var (provider, origin) = _layers[i];
            if (provider.TryGet(definition.Name, out string? value))
            {
                return new Setting(definition.Name, value, OriginOf(definition, origin));
            }
        }

        return new Setting(definition.Name, definition.DefaultValue, "default");
    }

    /// <summary>The winning list of a list setting (from one source), or the default as a one-element list.</summary>
    public (IReadOnlyList<string> Values, string Origin) GetList(string name)
    {
        var definition = Definition(name);
        for (int i = _layers.Count - 1; i >= 0; i--)
        {
            var (provider, origin) = _layers[i];
            var values = ListFrom(provider, definition.Name);
            if (values.Count > 0)
            {
                return (values, OriginOf(definition, origin));
            }
        }

        return (definition.DefaultValue is null ? [] : [definition.DefaultValue], "default");
    }

    private SettingDefinition Definition(string name) =>
        _definitions.TryGetValue(name, out var definition)
            ? definition
            : throw new ArgumentException($"no setting named '{name}'", nameof(name));

    private static string OriginOf(SettingDefinition definition, string layer) => layer switch
    {
        "environment" => definition.EnvironmentName,
        "command line" => "--" + definition.Name,
        _ => layer,
    };

    private static List<string> ListFrom(IConfigurationProvider provider, string name)
    {
        if (provider.TryGet(name, out string? single) && single is not null)
        {
            return [single];
        }

        var children = provider.GetChildKeys([], name).Distinct(StringComparer.Ordinal)
            .OrderBy(k => int.TryParse(k, out int n) ? n : int.MaxValue).ToList();
        var values = new List<string>();
        foreach (string child in children)
        {
            if (provider.TryGet($"{name}:{child}", out string? value) && !string.IsNullOrWhiteSpace(value))
            {
                values.Add(value);
            }
        }

        return values;
    }

    private static void AddValues(Dictionary<string, string?> target, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 1)
        {
            target[name] = values[0];
            return;
        }

        for (int i = 0; i < values.Count; i++)
        {
            target[$"{name}:{i}"] = values[i];
        }
    }

    private static List<string> SplitList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static IConfigurationProvider Build(Dictionary<string, string?> values)
    {
        var root = (IConfigurationRoot)new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return root.Providers.Single();
    }

    private static IConfigurationProvider LoadJson(string jsonFile, List<SettingDefinition> known)
    {
        string path = Path.GetFullPath(jsonFile);
        if (!File.Exists(path))
        {
            throw new ConfigException($"config file {path} does not exist; check --config / DKV_CONFIG");
        }

        IConfigurationRoot root;
        try
        {
            root = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException or System.Text.Json.JsonException)
        {
            throw new ConfigException($"cannot read config file {path}: {(ex.InnerException ?? ex).Message}", ex);
        }

        var unknown = root.GetChildren().Select(c => c.Key)
            .Where(key => !known.Any(d => string.Equals(d.Name, key, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigException(
                $"config file {path} has unknown setting(s) {string.Join(", ", unknown.Select(k => $"'{k}'"))}; "
                + $"keys are flag names without dashes, for example: {string.Join(", ", known.Take(4).Select(d => d.Name))}");
        }

        return root.Providers.Single();
    }
}
