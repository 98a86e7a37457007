using System.Security.Cryptography;

namespace DKV.Core.Transport;

/// <summary>Retry delays: exponential growth with ±20 % jitter so many clients do not retry in step.</summary>
internal static class Backoff
{
    /// <summary>The delay before retry number <paramref name="retry"/> (1-based): base × 2^(retry-1), capped at <paramref name="max"/>, with jitter.</summary>
    public static TimeSpan ForRetry(TimeSpan baseDelay, int retry, TimeSpan max)
    {
        double factor = Math.Pow(2, Math.Min(retry - 1, 30));
        double ticks = Math.Min(baseDelay.Ticks * factor, max.Ticks);
        return WithJitter(TimeSpan.FromTicks((long)ticks));
    }

    /// <summary><paramref name="delay"/> scaled by a uniformly random factor in [0.8, 1.2].</summary>
    public static TimeSpan WithJitter(TimeSpan delay)
    {
        double factor = 0.8 + (RandomNumberGenerator.GetInt32(0, 401) / 1000.0);
        return TimeSpan.FromTicks((long)(delay.Ticks * factor));
    }
}
