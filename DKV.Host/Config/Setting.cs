namespace DKV.Host.Config;

/// <summary>One resolved setting: its flag name, its raw text and where that text came from (for error messages).</summary>
/// <param name="Name">The flag name without dashes, for example <c>transport-endpoint</c>.</param>
/// <param name="Value">The raw text; null for a flag given without a value (a switch such as <c>--transport-tcp-nodelay</c>).</param>
/// <param name="Origin">Where it came from: <c>--shards</c>, <c>DKV_SHARDS</c>, <c>config file /etc/dkv.json</c> or <c>default</c>.</param>
public sealed record Setting(string Name, string? Value, string Origin);
