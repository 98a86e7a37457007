using Microsoft.Extensions.Logging;

namespace DKV.Core.Stores;

/// <summary>Log messages of the stores (event ids 2100-2199).</summary>
internal static partial class StoreLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Error, Message = "Collection pass on engine '{EngineName}' failed ({FailureCount} failures so far); the next pass runs at the next interval")]
    public static partial void CollectFailed(ILogger logger, string engineName, long failureCount, Exception exception);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Collection pass on engine '{EngineName}' changed {Changed} entries")]
    public static partial void Collected(ILogger logger, string engineName, int changed);
}
