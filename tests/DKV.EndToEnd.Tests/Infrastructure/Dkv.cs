using DKV.Testing.Infrastructure;

namespace DKV.EndToEnd.Tests.Infrastructure;

/// <summary>Where the built dkv lives: DKV.Cli/bin/&lt;same configuration as the tests&gt;/net10.0/dkv.dll, with its plugins/ folder.</summary>
internal static class Dkv
{
    public static string Dll { get; } = Locate();

    public static string PluginsDirectory => Path.Combine(Path.GetDirectoryName(Dll)!, "plugins");

    /// <summary>Test-only plugins copied beside the test assembly (the Newtonsoft serializer).</summary>
    public static string TestPluginsDirectory => Path.Combine(AppContext.BaseDirectory, "plugins");

    private static string Locate()
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        string path = Path.Combine(RepositoryRoot.Find(), "DKV.Cli", "bin", configuration, "net10.0", "dkv.dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"dkv.dll not found at {path}; build DKV.Cli ({configuration}) first", path);
    }
}
