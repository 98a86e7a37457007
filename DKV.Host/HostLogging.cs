using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace DKV.Host;

/// <summary>The server's console logging: one line per message with a UTC timestamp, at the configured level.</summary>
public static class HostLogging
{
    /// <summary>Creates the logger factory. The caller disposes it, which flushes queued messages.</summary>
    public static ILoggerFactory CreateFactory(LogLevel level) =>
        LoggerFactory.Create(builder => builder
            .SetMinimumLevel(level)
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.IncludeScopes = false;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
                options.ColorBehavior = LoggerColorBehavior.Disabled;
            }));
}
