using System.Globalization;
using DKV.Core.Storage;

namespace DKV.Testing.Engines;

/// <summary>GetInfo reports sane figures, including on an empty engine.</summary>
public abstract partial class EngineConformanceTests
{
    [Test]
    public void GetInfo_EmptyEngine_ZeroCountsAndNoNaN()
    {
        EngineInfo info = Engine.GetInfo();
        Assert.That(info.EngineName, Is.EqualTo(Engine.Name));
        Assert.That(info.KeyCount, Is.Zero);
        Assert.That(info.SizeBytes, Is.Zero);
        Assert.That(info.WriteIndex, Is.Zero);
        Assert.That(info.Features, Is.EqualTo(Engine.Features));
        foreach ((string name, string value) in info.Metadata)
        {
            Assert.That(value, Does.Not.Contain("NaN").And.Not.Contain("Infinity"), name);
        }
    }

    [Test]
    public void GetInfo_AfterWrites_CountsKeysSizeAndIndex()
    {
        for (int i = 0; i < 100; i++)
        {
            Engine.Set($"key-{i}", new byte[10], Next());
        }

        EngineInfo info = Engine.GetInfo();
        Assert.That(info.KeyCount, Is.EqualTo(100));
        Assert.That(info.SizeBytes, Is.GreaterThanOrEqualTo(100 * 10));
        Assert.That(info.WriteIndex, Is.EqualTo(Engine.WriteIndex));
        foreach ((string name, string value) in info.Metadata)
        {
            bool numeric = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number);
            Assert.That(!numeric || double.IsFinite(number), Is.True, name);
        }
    }
}
