namespace DKV.Core.Plugins;

/// <summary>A plugin folder that cannot be loaded; the message is the reason recorded in <see cref="PluginLoadFailure"/>.</summary>
internal sealed class PluginLoadException : Exception
{
    public PluginLoadException(string message)
        : base(message)
    {
    }
}
