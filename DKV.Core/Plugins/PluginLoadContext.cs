using System.Reflection;
using System.Runtime.Loader;

namespace DKV.Core.Plugins;

/// <summary>
/// One plugin's private load context: its own dependencies resolve from its folder through its deps.json, while the contract
/// assemblies resolve to the host's copies so that <see cref="IDkvPlugin"/> and the service contracts are the same types on both sides.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private static readonly string[] s_sharedExactNames =
    [
        "DKV.Core",
        "Microsoft.Extensions.Primitives",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        "Microsoft.Extensions.Logging.Abstractions",
        "Microsoft.Extensions.Configuration.Abstractions",
    ];

    private readonly AssemblyDependencyResolver _resolver;

    public PluginLoadContext(string mainAssemblyPath, bool collectible)
        : base(Path.GetFileNameWithoutExtension(mainAssemblyPath), collectible)
    {
        _resolver = new AssemblyDependencyResolver(mainAssemblyPath);
    }

    /// <summary>True for the assemblies every plugin must share with the host (DESIGN.md section 4).</summary>
    public static bool IsShared(string? assemblyName)
    {
        if (assemblyName is null)
        {
            return false;
        }

        return s_sharedExactNames.Contains(assemblyName, StringComparer.OrdinalIgnoreCase)
            || (assemblyName.StartsWith("Microsoft.Extensions.", StringComparison.OrdinalIgnoreCase)
                && assemblyName.EndsWith(".Abstractions", StringComparison.OrdinalIgnoreCase));
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName.Name))
        {
            // Returning null defers to the default context, which holds the host's copy.
            return null;
        }

        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override nint LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? nint.Zero : LoadUnmanagedDllFromPath(path);
    }
}
