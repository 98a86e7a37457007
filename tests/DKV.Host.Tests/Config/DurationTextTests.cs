using DKV.Host.Config;

namespace DKV.Host.Tests.Config;

public sealed class DurationTextTests
{
    [TestCase("500ms", 500)]
    [TestCase("30s", 30_000)]
    [TestCase("2m", 120_000)]
    [TestCase("1h", 3_600_000)]
    [TestCase("1m30s", 90_000)]
    [TestCase("1.5s", 1500)]
    [TestCase("10", 10_000)]
    [TestCase("0", 0)]
    public void TryParse_Valid_Milliseconds(string text, long milliseconds)
    {
        Assert.That(DurationText.TryParse(text, TimeSpan.FromSeconds(1), out var value), Is.True);
        Assert.That(value, Is.EqualTo(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [TestCase("")]
    [TestCase("-5s")]
    [TestCase("5x")]
    [TestCase("s")]
    [TestCase("5s3")]
    [TestCase("99999999999d")]
    public void TryParse_Invalid_False(string text) =>
        Assert.That(DurationText.TryParse(text, TimeSpan.FromSeconds(1), out _), Is.False);

    [TestCase(500, "500ms")]
    [TestCase(30_000, "30s")]
    [TestCase(120_000, "2m")]
    public void Format_RoundTrips(long milliseconds, string text) =>
        Assert.That(DurationText.Format(TimeSpan.FromMilliseconds(milliseconds)), Is.EqualTo(text));
}
