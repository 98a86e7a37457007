using Microsoft.Extensions.Logging;

namespace DKV.Host;

/// <summary>Log messages of the server host (event ids 5000-5099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "{Line}")]
    public static partial void ConfigurationLine(ILogger logger, string line);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "created {Description} for shard {ShardId} (engine {Engine})")]
    public static partial void ShardCreated(ILogger logger, string description, ulong shardId, string engine);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "dKV setup completed successfully")]
    public static partial void SetupCompleted(ILogger logger);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "serving {Transport} on {Endpoint} with serializer {Serializer}, {Workers} requests in flight per connection")]
    public static partial void Serving(ILogger logger, string transport, string endpoint, string serializer, int workers);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "received {Signal}: stopping, in-flight requests have up to {Drain} to finish")]
    public static partial void Stopping(ILogger logger, string signal, string drain);

    [LoggerMessage(EventId = 5020, Level = LogLevel.Critical, Message = "the consensus node stopped: {Reason}; stopping the server, exit code 1 (restart the process; it recovers from its data dir)")]
    public static partial void ConsensusFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "stopped cleanly")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "collector of shard {ShardId} did not start: {Reason}")]
    public static partial void NoCollector(ILogger logger, ulong shardId, string reason);
}
