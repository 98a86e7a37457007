using DKV.Core.Plugins;
using DKV.Core.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Transports.Quic;

/// <summary>
/// Registers the <c>quic</c> transport as a keyed <see cref="ITransportFactory"/>. TLS settings come from an <see cref="IConfiguration"/>
/// in the container, if any, under the flag names (<c>tls-cert</c>, <c>tls-key</c>, <c>tls-ca</c>, <c>tls-insecure</c>,
/// <c>tls-server-name</c>). Registration never touches libmsquic, so the plugin loads everywhere.
/// </summary>
public sealed class QuicPlugin : IDkvPlugin
{
    public string Name => "DKV.Transports.Quic";

    public int ContractVersion => PluginContract.Version;

    public void Register(IServiceCollection services) =>
        services.AddKeyedSingleton<ITransportFactory>(
            QuicTransportFactory.TransportName,
            (provider, _) => new QuicTransportFactory(QuicTlsConfiguration.Read(provider.GetService<IConfiguration>())));
}
