using System.Globalization;

namespace DKV.Host.Config;

/// <summary>
/// Durations as people type them: <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, <c>1d</c>, combinations such as <c>1m30s</c>,
/// decimals such as <c>1.5s</c>, and a bare number in a caller-chosen unit (seconds for upstream-compatible flags).
/// </summary>
public static class DurationText
{
    /// <summary>The largest duration accepted (about 100 years), so arithmetic on deadlines cannot overflow.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(36_500);

    /// <summary>Parses <paramref name="text"/>; a bare number is read in <paramref name="bareUnit"/>. Negative values are refused.</summary>
    public static bool TryParse(string? text, TimeSpan bareUnit, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string s = text.Trim();
        if (double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double bare))
        {
            return TryScale(bare, bareUnit, out duration);
        }

        double totalTicks = 0;
        int i = 0;
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            int unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            if (start == unitStart || unitStart == i
                || !double.TryParse(s.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount)
                || UnitOf(s[unitStart..i]) is not { } unit)
            {
                return false;
            }

            totalTicks += amount * unit.Ticks;
        }

        return TryScale(totalTicks, TimeSpan.FromTicks(1), out duration);
    }

    /// <summary>Formats a duration the way <see cref="TryParse"/> reads it, for help and summaries: <c>30s</c>, <c>500ms</c>, <c>1h</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        if (duration.Ticks % TimeSpan.TicksPerHour == 0)
        {
            return $"{duration.Ticks / TimeSpan.TicksPerHour}h";
        }

        if (duration.Ticks % TimeSpan.TicksPerMinute == 0)
        {
            return $"{duration.Ticks / TimeSpan.TicksPerMinute}m";
        }

        if (duration.Ticks % TimeSpan.TicksPerSecond == 0)
        {
            return $"{duration.Ticks / TimeSpan.TicksPerSecond}s";
        }

        return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds}ms");
    }

    private static TimeSpan? UnitOf(string unit) => unit switch
    {
        "ms" => TimeSpan.FromMilliseconds(1),
        "s" => TimeSpan.FromSeconds(1),
        "m" => TimeSpan.FromMinutes(1),
        "h" => TimeSpan.FromHours(1),
        "d" => TimeSpan.FromDays(1),
        _ => null,
    };

    private static bool TryScale(double amount, TimeSpan unit, out TimeSpan duration)
    {
        double ticks = amount * unit.Ticks;
        if (double.IsNaN(ticks) || ticks < 0 || ticks > Max.Ticks)
        {
            duration = TimeSpan.Zero;
            return false;
        }

        duration = TimeSpan.FromTicks((long)Math.Round(ticks));
        return true;
    }
}
