using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKV.Core.Plugins;

/// <summary>
/// Loads every plugin folder under the configured directories, each into its own <see cref="System.Runtime.Loader.AssemblyLoadContext"/>,
/// checks its contract version and lets it register its keyed services. A folder that fails is recorded with the reason and
/// skipped; it never stops the others. Built-in implementations load the same way (DESIGN.md section 4).
/// </summary>
/// <remarks>Not thread-safe: call <see cref="LoadAll"/> once, at start.</remarks>
public sealed class PluginLoader
{
    private readonly PluginLoaderOptions _options;
    private readonly ILogger _logger;

    public PluginLoader(PluginLoaderOptions options, ILogger<PluginLoader>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger<PluginLoader>.Instance;
    }

    /// <summary>Loads every plugin folder and adds each plugin's services to <paramref name="services"/>.</summary>
    public PluginCatalog LoadAll(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var loaded = new List<LoadedPlugin>();
        var failures = new List<PluginLoadFailure>();
        var owners = new Dictionary<(Type ServiceType, string Name), string>();
        foreach (string folder in FindPluginFolders(failures))
        {
            try
            {
                var plugin = LoadFolder(folder, services, owners);
                loaded.Add(plugin);
                PluginLog.Loaded(_logger, plugin.Name, plugin.AssemblyVersion, folder, Describe(plugin));
            }
            catch (PluginLoadException ex)
            {
                failures.Add(new PluginLoadFailure(folder, ex.Message));
                PluginLog.Failed(_logger, folder, ex.Message);
            }
        }

        return new PluginCatalog(loaded, failures);
    }

    private List<string> FindPluginFolders(List<PluginLoadFailure> failures)
    {
        var folders = new List<string>();
        foreach (string configured in _options.Directories)
        {
            string directory = Path.GetFullPath(configured);
            if (!Directory.Exists(directory))
            {
                failures.Add(new PluginLoadFailure(directory, "the plugin directory does not exist; check --plugins-dir"));
                continue;
            }

            var candidates = MainAssemblyPath(directory) is not null
                ? [directory]
                : Directory.GetDirectories(directory).Order(StringComparer.Ordinal).ToList();
            folders.AddRange(candidates.Where(c => !folders.Contains(c, StringComparer.Ordinal)));
        }

        if (folders.Count > _options.MaxPluginFolders)
        {
            throw new InvalidOperationException(
                $"{folders.Count} plugin folders found, more than the limit of {_options.MaxPluginFolders}; raise MaxPluginFolders or point --plugins-dir at fewer folders");
        }

        return folders;
    }

    /// <summary>The plugin's main assembly: <c>&lt;folder name&gt;.dll</c>, else the assembly named by the folder's only deps.json.</summary>
    private static string? MainAssemblyPath(string folder)
    {
        string byName = Path.Combine(folder, Path.GetFileName(folder) + ".dll");
        if (File.Exists(byName))
        {
            return byName;
        }

        string[] deps = Directory.GetFiles(folder, "*.deps.json");
        if (deps.Length != 1)
        {
            return null;
        }

        string candidate = Path.Combine(folder, Path.GetFileName(deps[0])[..^".deps.json".Length] + ".dll");
        return File.Exists(candidate) ? candidate : null;
    }

    private LoadedPlugin LoadFolder(string folder, IServiceCollection services, Dictionary<(Type, string), string> owners)
    {
        string mainPath = MainAssemblyPath(folder)
            ?? throw new PluginLoadException($"no plugin assembly found: expected {Path.GetFileName(folder)}.dll or exactly one *.deps.json naming its assembly");
        var context = new PluginLoadContext(mainPath, _options.Collectible);
        Assembly assembly;
        try
        {
            assembly = context.LoadFromAssemblyPath(mainPath);
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException)
        {
            throw new PluginLoadException($"cannot load {Path.GetFileName(mainPath)}: {ex.Message}");
        }

        var plugin = CreatePlugin(assembly);
        if (!PluginContract.IsSupported(plugin.ContractVersion))
        {
            throw new PluginLoadException(
                $"plugin '{plugin.Name}' was built against plugin contract version {plugin.ContractVersion}, but this host supports "
                + $"version {ContractRange()}; rebuild the plugin against DKV.Core with contract version {PluginContract.Version}");
        }

        var own = new ServiceCollection();
        try
        {
            plugin.Register(own);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new PluginLoadException($"plugin '{plugin.Name}' failed in Register: {ex.GetType().Name}: {ex.Message}");
        }

        var names = ClaimNames(plugin.Name, own, owners);
        foreach (var descriptor in own)
        {
            services.Add(descriptor);
        }

        return new LoadedPlugin(plugin.Name, folder, VersionOf(assembly), plugin.ContractVersion, names);
    }

    private static IDkvPlugin CreatePlugin(Assembly assembly)
    {
        Type[] exported;
        try
        {
            exported = assembly.GetExportedTypes();
        }
        catch (Exception ex) when (ex is ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
        {
            throw new PluginLoadException($"cannot read the types of {assembly.GetName().Name}: {ex.Message}");
        }

        var candidates = exported.Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IDkvPlugin).IsAssignableFrom(t)).ToList();
        if (candidates.Count != 1)
        {
            bool foreignContract = exported.Any(t => t.GetInterfaces().Any(i => i.FullName == typeof(IDkvPlugin).FullName && i != typeof(IDkvPlugin)));
            throw new PluginLoadException(candidates.Count == 0
                ? foreignContract
                    ? $"{assembly.GetName().Name} implements an IDkvPlugin from another copy of DKV.Core; the plugin must use the host's DKV.Core"
                    : $"{assembly.GetName().Name} has no public class implementing IDkvPlugin"
                : $"{assembly.GetName().Name} has {candidates.Count} public IDkvPlugin classes ({string.Join(", ", candidates.Select(c => c.Name))}); exactly one is allowed");
        }

        try
        {
            return (IDkvPlugin)Activator.CreateInstance(candidates[0])!;
        }
        catch (Exception ex) when (ex is MissingMethodException or TargetInvocationException or MemberAccessException)
        {
            throw new PluginLoadException($"cannot create {candidates[0].FullName}: {(ex.InnerException ?? ex).Message} (it needs a public parameterless constructor)");
        }
    }

    private static Dictionary<string, IReadOnlyList<string>> ClaimNames(
        string pluginName, ServiceCollection own, Dictionary<(Type, string), string> owners)
    {
        var keyed = own.Where(d => d.IsKeyedService && d.ServiceKey is string).Select(d => (d.ServiceType, Name: (string)d.ServiceKey!)).Distinct().ToList();
        foreach (var key in keyed)
        {
            if (owners.TryGetValue(key, out string? owner))
            {
                throw new PluginLoadException(
                    $"plugin '{pluginName}' registers {PluginKinds.KindOf(key.ServiceType)} '{key.Name}', which plugin '{owner}' already registered; remove one of them");
            }
        }

        foreach (var key in keyed)
        {
            owners[key] = pluginName;
        }

        return keyed.GroupBy(k => PluginKinds.KindOf(k.ServiceType), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(k => k.Name).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
    }

    private static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString()
        ?? "unknown";

    private static string ContractRange() =>
        PluginContract.MinimumSupportedVersion == PluginContract.Version
            ? PluginContract.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : $"{PluginContract.MinimumSupportedVersion} to {PluginContract.Version}";

    private static string Describe(LoadedPlugin plugin) =>
        plugin.NamesByKind.Count == 0
            ? "nothing registered by name"
            : string.Join("; ", plugin.NamesByKind.Select(k => $"{k.Key}: {string.Join(", ", k.Value)}"));
}
