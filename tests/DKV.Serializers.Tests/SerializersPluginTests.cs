using DKV.Core.Plugins;
using DKV.Core.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Serializers.Tests;

[TestFixture]
public sealed class SerializersPluginTests
{
    [TestCase("binary")]
    [TestCase("msgpack")]
    [TestCase("memorypack")]
    [TestCase("json")]
    public void Register_EachFormat_ResolvableByItsName(string name)
    {
        var services = new ServiceCollection();
        new SerializersPlugin().Register(services);
        using ServiceProvider provider = services.BuildServiceProvider();
        IRpcSerializer serializer = provider.GetRequiredKeyedService<IRpcSerializer>(name);
        Assert.That(serializer.Name, Is.EqualTo(name));
    }

    [Test]
    public void Plugin_ContractVersion_IsCurrent()
    {
        Assert.That(new SerializersPlugin().ContractVersion, Is.EqualTo(PluginContract.Version));
    }
}
