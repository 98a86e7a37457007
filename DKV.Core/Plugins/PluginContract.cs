namespace DKV.Core.Plugins;

/// <summary>
/// The version of the plugin contract (the public types of DKV.Core). A plugin states the version it was built against in
/// <see cref="IDkvPlugin.ContractVersion"/>; the host loads it when that version lies in
/// [<see cref="MinimumSupportedVersion"/>, <see cref="Version"/>] and refuses it otherwise, naming both versions.
/// </summary>
public static class PluginContract
{
    /// <summary>Raised whenever a public contract in DKV.Core changes incompatibly.</summary>
    public const int Version = 1;

    /// <summary>The oldest contract version this host still loads. Raised when an old contract can no longer be honoured.</summary>
    public const int MinimumSupportedVersion = 1;

    /// <summary>True when a plugin built against <paramref name="contractVersion"/> can be loaded by this host.</summary>
    public static bool IsSupported(int contractVersion) =>
        contractVersion >= MinimumSupportedVersion && contractVersion <= Version;
}
