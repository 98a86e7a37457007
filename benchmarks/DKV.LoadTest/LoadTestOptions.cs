using System.Globalization;

namespace DKV.LoadTest;

/// <summary>Command-line options of the load test. Every option has a default; <see cref="Parse"/> rejects unknown or malformed ones.</summary>
internal sealed record LoadTestOptions
{
    public string Transport { get; init; } = "tcp";

    public string? Endpoint { get; init; }

    public string Serializer { get; init; } = "binary";

    public ulong Shard { get; init; } = 100;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public int Inflight { get; init; } = 50;

    public int Keys { get; init; } = 100;

    public int ValueBytes { get; init; } = 128;

    public int Connections { get; init; } = 1;

    public bool SelfHost { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public const string Usage = """
        dkv load test: set and get ops/s and p50/p99 latency with many requests in flight.
          --transport tcp|unix     transport (default tcp)
          --endpoint EP            server endpoint (default 127.0.0.1:8080 for tcp; required for unix unless --self-host)
          --serializer NAME        serializer (default binary)
          --shard ID               store shard id (default 100)
          --duration SECONDS       measured seconds per phase (default 10)
          --warmup SECONDS         warm-up seconds before measuring (default 2)
          --inflight N             requests in flight (default 50)
          --keys N                 distinct keys (default 100)
          --value-bytes N          random value size (default 128)
          --connections N          connections per endpoint (default 1)
          --timeout SECONDS        per-request timeout (default 10)
          --self-host              start an in-process server (in-memory store) over the real transport
        """;

    public static LoadTestOptions Parse(string[] args)
    {
        var options = new LoadTestOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name == "--self-host")
            {
                options = options with { SelfHost = true };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"option {name} needs a value");
            }

            string value = args[++i];
            options = name switch
            {
                "--transport" => options with { Transport = value },
                "--endpoint" => options with { Endpoint = value },
                "--serializer" => options with { Serializer = value },
                "--shard" => options with { Shard = ulong.Parse(value, CultureInfo.InvariantCulture) },
                "--duration" => options with { Duration = Seconds(name, value) },
                "--warmup" => options with { Warmup = Seconds(name, value) },
                "--inflight" => options with { Inflight = Positive(name, value) },
                "--keys" => options with { Keys = Positive(name, value) },
                "--value-bytes" => options with { ValueBytes = Positive(name, value) },
                "--connections" => options with { Connections = Positive(name, value) },
                "--timeout" => options with { Timeout = Seconds(name, value) },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        if (options.Transport is not ("tcp" or "unix"))
        {
            throw new ArgumentException($"--transport {options.Transport} is not supported here; use tcp or unix");
        }

        if (!options.SelfHost && options.Endpoint is null && options.Transport == "unix")
        {
            throw new ArgumentException("--endpoint is required for unix (the socket path of a running dkv serve), or use --self-host");
        }

        return options;
    }

    private static TimeSpan Seconds(string name, string value)
    {
        double seconds = double.Parse(value, CultureInfo.InvariantCulture);
        return seconds >= 0 ? TimeSpan.FromSeconds(seconds) : throw new ArgumentException($"{name} must not be negative");
    }

    private static int Positive(string name, string value)
    {
        int n = int.Parse(value, CultureInfo.InvariantCulture);
        return n > 0 ? n : throw new ArgumentException($"{name} must be positive");
    }
}
