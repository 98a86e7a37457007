using DKV.Core.Plugins;
using DKV.Core.Storage;
using DKV.Engines.Maple;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Engines.Tests.Maple;

public sealed class MaplePluginTests
{
    [Test]
    public void Register_ResolvesKeyedMapleFactory_ThatCreatesWorkingEngines()
    {
        var plugin = new MaplePlugin();
        var services = new ServiceCollection();
        plugin.Register(services);
        using ServiceProvider provider = services.BuildServiceProvider();

        IEngineFactory factory = provider.GetRequiredKeyedService<IEngineFactory>("maple");
        using IKVDB engine = factory.Create();

        Assert.That(plugin.ContractVersion, Is.EqualTo(PluginContract.Version));
        Assert.That(factory.Name, Is.EqualTo("maple"));
        Assert.That(engine.Set("k", "v"u8.ToArray(), new WriteStamp(1, 1)), Is.True);
        Assert.That(engine.Get("k", 1).Found, Is.True);
    }

    [Test]
    public void Register_WithKeyedOptions_FactoryUsesThem()
    {
        var services = new ServiceCollection();
        services.AddKeyedSingleton("maple", new MapleOptions { ShardCount = 3 });
        new MaplePlugin().Register(services);
        using ServiceProvider provider = services.BuildServiceProvider();

        var factory = (MapleEngineFactory)provider.GetRequiredKeyedService<IEngineFactory>("maple");
        Assert.That(factory.Options.ShardCount, Is.EqualTo(3));
        using IKVDB engine = factory.Create();
        Assert.That(engine.GetInfo().Metadata["shard_count"], Is.EqualTo("3"));
    }
}
