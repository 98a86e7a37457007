using DKV.Core.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Core.Plugins;

/// <summary>
/// What a <see cref="PluginLoader"/> run loaded and what failed, for listing and for resolving implementations by name
/// with an error that lists what is loaded. Immutable; thread-safe.
/// </summary>
public sealed class PluginCatalog
{
    public PluginCatalog(IReadOnlyList<LoadedPlugin> loaded, IReadOnlyList<PluginLoadFailure> failures)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(failures);
        Loaded = loaded;
        Failures = failures;
    }

    /// <summary>Plugins that loaded, in load order.</summary>
    public IReadOnlyList<LoadedPlugin> Loaded { get; }

    /// <summary>Plugin folders (or directories) that failed, with the reason.</summary>
    public IReadOnlyList<PluginLoadFailure> Failures { get; }

    /// <summary>Every name registered for <paramref name="kind"/> across the loaded plugins, sorted.</summary>
    public IReadOnlyList<string> NamesOf(string kind) =>
        Loaded.SelectMany(p => p.NamesByKind.TryGetValue(kind, out var names) ? names : [])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Returns the implementation of <typeparamref name="T"/> registered under <paramref name="name"/>.
    /// Throws <see cref="DkvException"/> (<see cref="DkvErrorCode.InvalidArgument"/>) naming the loaded names when there is none,
    /// for example <c>transport 'tcpp' is not loaded; loaded: tcp, unix</c>.
    /// </summary>
    public T Resolve<T>(IServiceProvider services, string name)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (services.GetKeyedService<T>(name) is { } service)
        {
            return service;
        }

        throw new DkvException(DkvErrorCode.InvalidArgument, NotLoadedMessage(PluginKinds.KindOf(typeof(T)), name));
    }

    /// <summary>The message for a name of <paramref name="kind"/> that is not loaded, listing what is and any load failures.</summary>
    public string NotLoadedMessage(string kind, string name)
    {
        var loaded = NamesOf(kind);
        string message = $"{kind} '{name}' is not loaded; loaded: {(loaded.Count == 0 ? "none" : string.Join(", ", loaded))}";
        if (Failures.Count > 0)
        {
            message += $" ({Failures.Count} plugin folder(s) failed to load: "
                + string.Join("; ", Failures.Select(f => $"{f.Folder}: {f.Reason}")) + ")";
        }

        return message;
    }
}
