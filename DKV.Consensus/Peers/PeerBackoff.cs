using System.Security.Cryptography;

namespace DKV.Consensus.Peers;

/// <summary>Reconnect delays: exponential from a base, capped, with ±20 % jitter so nodes do not retry in step.</summary>
internal static class PeerBackoff
{
    /// <summary>The delay after <paramref name="failures"/> consecutive failures (1-based).</summary>
    public static TimeSpan ForFailure(TimeSpan baseDelay, TimeSpan maxDelay, int failures)
    {
        double factor = Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        double ticks = Math.Min(baseDelay.Ticks * factor, maxDelay.Ticks);
        double jitter = 0.8 + (RandomNumberGenerator.GetInt32(0, 401) / 1000.0);
        return TimeSpan.FromTicks((long)(ticks * jitter));
    }
}
