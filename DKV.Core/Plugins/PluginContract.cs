namespace DKV.Core.Plugins;

/// <summary>The version of the plugin contract (the public types of DKV.Core). A plugin built against another version is refused.</summary>
public static class PluginContract
{
    /// <summary>Raised whenever a public contract in DKV.Core changes incompatibly.</summary>
    public const int Version = 1;
}
