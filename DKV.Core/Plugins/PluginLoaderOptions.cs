namespace DKV.Core.Plugins;

/// <summary>Where plugins are looked for and how they are loaded. Validated by <see cref="Validate"/> before loading.</summary>
public sealed record PluginLoaderOptions
{
    /// <summary>The folder <c>plugins/</c> beside the running executable: where the built-in plugins are copied by the build.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>
    /// Directories to load from (<c>--plugins-dir</c>, may repeat). Each is either a plugin folder itself (it holds
    /// <c>&lt;folder name&gt;.dll</c> or exactly one <c>*.deps.json</c>) or a directory of plugin folders.
    /// </summary>
    public IReadOnlyList<string> Directories { get; init; } = [DefaultDirectory];

    /// <summary>Load each plugin into a collectible <see cref="System.Runtime.Loader.AssemblyLoadContext"/>. Off by default: plugins live as long as the process.</summary>
    public bool Collectible { get; init; }

    /// <summary>Largest number of plugin folders loaded; a directory with more is refused rather than loaded in part.</summary>
    public int MaxPluginFolders { get; init; } = 256;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Directories);
        if (Directories.Count == 0 || Directories.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("at least one non-empty plugin directory is required (--plugins-dir)", nameof(Directories));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPluginFolders, 1);
    }
}
