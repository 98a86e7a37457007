using DKV.Core.Plugins;
using DKV.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Engines.Maple;

/// <summary>
/// Registers the Maple engine factory as the keyed <see cref="IEngineFactory"/> <c>maple</c>. Options come from a
/// <see cref="MapleOptions"/> registered under the key <c>maple</c> when the host provides one, otherwise the defaults.
/// </summary>
public sealed class MaplePlugin : IDkvPlugin
{
    /// <inheritdoc/>
    public string Name => "DKV.Engines.Maple";

    /// <inheritdoc/>
    public int ContractVersion => PluginContract.Version;

    /// <inheritdoc/>
    public void Register(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddKeyedSingleton<IEngineFactory>(
            MapleEngine.EngineName,
            (provider, _) => new MapleEngineFactory(provider.GetKeyedService<MapleOptions>(MapleEngine.EngineName) ?? new MapleOptions()));
    }
}
