using DKV.Core.Transport;
using DKV.Transports.ZeroMQ;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Transports.Tests.ZeroMQ;

/// <summary>The zmq plugin's registration and its configuration keys.</summary>
[TestFixture]
public sealed class ZmqPluginTests
{
    [Test]
    public void Register_KeyedByZmq_ResolvesTheFactoryWithoutTouchingLibzmq()
    {
        var services = new ServiceCollection();
        new ZmqPlugin().Register(services);
        using ServiceProvider provider = services.BuildServiceProvider();

        ITransportFactory factory = provider.GetRequiredKeyedService<ITransportFactory>("zmq");

        Assert.That(factory.Name, Is.EqualTo("zmq"));
    }

    [Test]
    public void Configuration_FlagNames_OverrideTheDefaults()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["transport-zmq-hwm"] = "500",
            ["transport-zmq-max-sessions"] = "8",
            ["transport-zmq-linger-ms"] = "0",
        }).Build();

        ZmqOptions options = ZmqConfiguration.Read(configuration);

        Assert.That(options, Is.EqualTo(new ZmqOptions { HighWaterMarkMessages = 500, MaxSessions = 8, Linger = TimeSpan.Zero }));
    }

    [Test]
    public void Configuration_ValueOutOfRange_IsRejected()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["transport-zmq-hwm"] = "0" }).Build();

        Assert.Throws<ArgumentOutOfRangeException>(() => ZmqConfiguration.Read(configuration));
    }
}
