namespace DKV.Host.Config;

/// <summary>
/// A configuration value that cannot be used: the message names the setting, where it came from, the value and the fix
/// (or is upstream dKV's exact validation string where one exists). The CLI reports it as a usage error (exit code 2).
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
