namespace DKV.Host.Config;

/// <summary>A setting as the CLI shows it: flag name, default, help text, and whether it takes a list or works as a switch.</summary>
/// <param name="Name">The flag name without dashes; the environment variable is <see cref="EnvironmentName"/>.</param>
/// <param name="DefaultValue">The default as text, shown in help; null when there is none.</param>
/// <param name="Description">What it does, with units.</param>
/// <param name="IsList">May be given more than once (or as a JSON array, or comma-separated in the environment).</param>
/// <param name="IsSwitch">A boolean that may be given without a value, meaning true.</param>
public sealed record SettingDefinition(string Name, string? DefaultValue, string Description, bool IsList = false, bool IsSwitch = false)
{
    /// <summary>The environment variable for this setting: <c>DKV_</c> + the name upper-cased, <c>-</c> as <c>_</c>.</summary>
    public string EnvironmentName => EnvironmentNameOf(Name);

    /// <summary>The environment variable for a flag name, for example <c>DKV_LOG_LEVEL</c> for <c>log-level</c>.</summary>
    public static string EnvironmentNameOf(string name) =>
        "DKV_" + name.ToUpperInvariant().Replace('-', '_');
}
