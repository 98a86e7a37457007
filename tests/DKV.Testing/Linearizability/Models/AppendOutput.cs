namespace DKV.Testing.Linearizability.Models;

/// <summary>A kv-append response: the string a get returned (ignored for put and append), or unknown.</summary>
public readonly record struct AppendOutput(bool IsUnknown, string Value)
{
    /// <summary>The outcome is unknown: the write may or may not have happened.</summary>
    public static AppendOutput Unknown { get; } = new(true, string.Empty);
}
