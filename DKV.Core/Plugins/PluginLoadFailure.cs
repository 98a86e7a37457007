namespace DKV.Core.Plugins;

/// <summary>A plugin folder that could not be loaded, and why (the reason says what to fix).</summary>
/// <param name="Folder">The full path of the folder or directory.</param>
/// <param name="Reason">What went wrong and what to do about it.</param>
public sealed record PluginLoadFailure(string Folder, string Reason);
