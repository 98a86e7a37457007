using System.Globalization;
using Microsoft.Extensions.Logging;

namespace DKV.Host.Config;

/// <summary>
/// Turns a <see cref="Setting"/>'s text into a typed value, or throws <see cref="ConfigException"/> naming the setting, its
/// origin, the value and what is expected. Nothing is silently read as 0 (upstream's cast did that).
/// </summary>
public static class SettingParser
{
    public static string Text(Setting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        if (string.IsNullOrWhiteSpace(setting.Value))
        {
            throw Invalid(setting, "a non-empty value");
        }

        return setting.Value.Trim();
    }

    public static long Integer(Setting setting, long min, long max)
    {
        string text = Text(setting);
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) || value < min || value > max)
        {
            throw Invalid(setting, max == long.MaxValue ? $"a whole number of at least {min}" : $"a whole number from {min} to {max}");
        }

        return value;
    }

    /// <summary>true/false, 1/0, yes/no, on/off; a switch given without a value is true.</summary>
    public static bool Boolean(Setting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        if (setting.Value is null)
        {
            return true;
        }

        return setting.Value.Trim().ToUpperInvariant() switch
        {
            "TRUE" or "1" or "YES" or "ON" => true,
            "FALSE" or "0" or "NO" or "OFF" => false,
            _ => throw Invalid(setting, "true or false"),
        };
    }

    /// <summary>A duration such as <c>30s</c> or <c>500ms</c>; a bare number is read in <paramref name="bareUnit"/>.</summary>
    public static TimeSpan Duration(Setting setting, TimeSpan bareUnit, TimeSpan min)
    {
        string text = Text(setting);
        if (!DurationText.TryParse(text, bareUnit, out var value) || value < min)
        {
            string unit = bareUnit == TimeSpan.FromSeconds(1) ? "seconds" : DurationText.Format(bareUnit);
            throw Invalid(setting, $"a duration of at least {DurationText.Format(min)} such as 30s, 500ms or 2m (a bare number means {unit})");
        }

        return value;
    }

    /// <summary><c>debug</c>, <c>info</c>, <c>warn</c> (or <c>warning</c>), <c>error</c>; also <c>trace</c> and <c>none</c>.</summary>
    public static LogLevel LogLevel(Setting setting)
    {
        string text = Text(setting);
        return text.ToUpperInvariant() switch
        {
            "TRACE" => Microsoft.Extensions.Logging.LogLevel.Trace,
            "DEBUG" => Microsoft.Extensions.Logging.LogLevel.Debug,
            "INFO" => Microsoft.Extensions.Logging.LogLevel.Information,
            "WARN" or "WARNING" => Microsoft.Extensions.Logging.LogLevel.Warning,
            "ERROR" => Microsoft.Extensions.Logging.LogLevel.Error,
            "NONE" => Microsoft.Extensions.Logging.LogLevel.None,
            _ => throw new ConfigException(
                $"invalid log level '{text}' (from {setting.Origin}); expected one of: debug, info, warn, error"),
        };
    }

    /// <summary>An error for <paramref name="setting"/> saying what was expected.</summary>
    public static ConfigException Invalid(Setting setting, string expected)
    {
        ArgumentNullException.ThrowIfNull(setting);
        return new ConfigException($"invalid value '{setting.Value}' for --{setting.Name} (from {setting.Origin}); expected {expected}");
    }
}
