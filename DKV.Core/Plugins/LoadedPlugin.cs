namespace DKV.Core.Plugins;

/// <summary>A plugin that loaded and registered its services.</summary>
/// <param name="Name">The plugin's <see cref="IDkvPlugin.Name"/>.</param>
/// <param name="Folder">The full path of the folder it was loaded from.</param>
/// <param name="AssemblyVersion">The informational (or assembly) version of its main assembly.</param>
/// <param name="ContractVersion">The <see cref="PluginContract"/> version it was built against.</param>
/// <param name="NamesByKind">The names it registered, by kind (<c>engine</c>, <c>serializer</c>, <c>transport</c> ...), sorted.</param>
public sealed record LoadedPlugin(
    string Name,
    string Folder,
    string AssemblyVersion,
    int ContractVersion,
    IReadOnlyDictionary<string, IReadOnlyList<string>> NamesByKind);
