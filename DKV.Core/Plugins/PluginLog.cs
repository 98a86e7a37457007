using Microsoft.Extensions.Logging;

namespace DKV.Core.Plugins;

/// <summary>Log messages of the plugin loader (event ids 4000-4099).</summary>
internal static partial class PluginLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "loaded plugin {Plugin} {Version} from {Folder} ({Names})")]
    public static partial void Loaded(ILogger logger, string plugin, string version, string folder, string names);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "plugin folder {Folder} not loaded: {Reason}")]
    public static partial void Failed(ILogger logger, string folder, string reason);
}
