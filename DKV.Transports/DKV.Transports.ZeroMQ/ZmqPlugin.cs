using DKV.Core.Plugins;
using DKV.Core.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Transports.ZeroMQ;

/// <summary>
/// Registers the <c>zmq</c> transport as a keyed <see cref="ITransportFactory"/>. Registration never touches libzmq, so the plugin
/// loads everywhere; selecting the transport where libzmq is missing fails with a message naming the package to install.
/// Options come from an <see cref="IConfiguration"/> in the container, if any (<see cref="ZmqConfiguration"/> names the keys).
/// </summary>
public sealed class ZmqPlugin : IDkvPlugin
{
    public string Name => "DKV.Transports.ZeroMQ";

    public int ContractVersion => PluginContract.Version;

    public void Register(IServiceCollection services) =>
        services.AddKeyedSingleton<ITransportFactory>(
            ZmqTransportFactory.TransportName,
            (provider, _) => new ZmqTransportFactory(ZmqConfiguration.Read(provider.GetService<IConfiguration>())));
}
