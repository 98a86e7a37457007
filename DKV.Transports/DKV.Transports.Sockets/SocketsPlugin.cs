using DKV.Core.Plugins;
using DKV.Core.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Transports.Sockets;

/// <summary>Registers the <c>tcp</c> and <c>unix</c> transports as keyed <see cref="ITransportFactory"/> services.</summary>
public sealed class SocketsPlugin : IDkvPlugin
{
    public string Name => "DKV.Transports.Sockets";

    public int ContractVersion => PluginContract.Version;

    public void Register(IServiceCollection services)
    {
        services.AddKeyedSingleton<ITransportFactory>(TcpTransportFactory.TransportName, new TcpTransportFactory());
        services.AddKeyedSingleton<ITransportFactory>(UnixTransportFactory.TransportName, new UnixTransportFactory());
    }
}
