using System.Globalization;
using System.Net;
using DKV.Core.Errors;

namespace DKV.Plugins.Resp;

/// <summary>The RESP front end's settings, read from the host's plugin settings (<c>--plugin-setting resp-endpoint=127.0.0.1:6380</c>).</summary>
public sealed record RespOptions
{
    public const string EndpointKey = "resp-endpoint";
    public const string ShardKey = "resp-shard";
    public const string MaxBulkKey = "resp-max-bulk-bytes";
    public const string MaxArgsKey = "resp-max-args";
    public const string MaxCommandKey = "resp-max-command-bytes";

    /// <summary>host:port to listen on (port 0 picks a free one); null turns the front end off.</summary>
    public IPEndPoint? Endpoint { get; init; }

    /// <summary>The store shard served. Default 100.</summary>
    public ulong ShardId { get; init; } = 100;

    /// <summary>Largest bulk string accepted, in bytes; checked before anything is allocated. Default 16 MiB.</summary>
    public int MaxBulkBytes { get; init; } = 16 << 20;

    /// <summary>Most arguments in one command; checked before anything is allocated. Default 1024.</summary>
    public int MaxArgs { get; init; } = 1024;

    /// <summary>Most bytes one command may occupy while it is still arriving; a connection over it is closed. Default 64 MiB.</summary>
    public long MaxCommandBytes { get; init; } = 64L << 20;

    /// <summary>Reads the options from <paramref name="settings"/>; a bad value is a <see cref="DkvException"/> naming the setting.</summary>
    public static RespOptions FromSettings(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new RespOptions();
        if (settings.TryGetValue(EndpointKey, out string? endpoint) && endpoint.Length > 0)
        {
            options = options with { Endpoint = IPEndPoint.TryParse(endpoint, out var parsed)
                ? parsed
                : throw Invalid(EndpointKey, endpoint, "host:port with a numeric address, for example 127.0.0.1:6380") };
        }

        return options with
        {
            ShardId = (ulong)Number(settings, ShardKey, (long)options.ShardId, 0, long.MaxValue),
            MaxBulkBytes = (int)Number(settings, MaxBulkKey, options.MaxBulkBytes, 1, int.MaxValue - 64),
            MaxArgs = (int)Number(settings, MaxArgsKey, options.MaxArgs, 1, 1 << 20),
            MaxCommandBytes = Number(settings, MaxCommandKey, options.MaxCommandBytes, 64, long.MaxValue),
        };
    }

    private static long Number(IReadOnlyDictionary<string, string> settings, string key, long fallback, long min, long max)
    {
        if (!settings.TryGetValue(key, out string? text))
        {
            return fallback;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max
            ? value
            : throw Invalid(key, text, $"a whole number from {min} to {max}");
    }

    private static DkvException Invalid(string key, string value, string expected) =>
        new(DkvErrorCode.InvalidArgument, $"plugin setting {key}='{value}' is invalid; expected {expected}");
}
