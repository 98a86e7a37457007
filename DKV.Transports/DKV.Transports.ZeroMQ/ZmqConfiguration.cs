using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace DKV.Transports.ZeroMQ;

/// <summary>Reads <see cref="ZmqOptions"/> from configuration keys named like the flags (absent keys keep the defaults).</summary>
public static class ZmqConfiguration
{
    public const string HighWaterMarkKey = "transport-zmq-hwm";
    public const string QueueKey = "transport-zmq-queue";
    public const string MaxSessionsKey = "transport-zmq-max-sessions";
    public const string LingerMillisecondsKey = "transport-zmq-linger-ms";
    public const string HeartbeatMillisecondsKey = "transport-zmq-heartbeat-ms";

    /// <summary>The options in <paramref name="configuration"/>, validated; a value that is not an integer throws <see cref="ArgumentException"/> naming the key.</summary>
    public static ZmqOptions Read(IConfiguration? configuration)
    {
        var options = new ZmqOptions();
        if (configuration is not null)
        {
            options = options with
            {
                HighWaterMarkMessages = Int(configuration, HighWaterMarkKey) ?? options.HighWaterMarkMessages,
                MaxQueuedMessagesPerSession = Int(configuration, QueueKey) ?? options.MaxQueuedMessagesPerSession,
                MaxSessions = Int(configuration, MaxSessionsKey) ?? options.MaxSessions,
                Linger = Int(configuration, LingerMillisecondsKey) is { } linger ? TimeSpan.FromMilliseconds(linger) : options.Linger,
                HeartbeatInterval = Int(configuration, HeartbeatMillisecondsKey) is { } beat ? TimeSpan.FromMilliseconds(beat) : options.HeartbeatInterval,
            };
        }

        options.Validate();
        return options;
    }

    private static int? Int(IConfiguration configuration, string key)
    {
        string? text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new ArgumentException($"{key} '{text}' is not an integer");
    }
}
