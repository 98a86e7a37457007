using Microsoft.Extensions.DependencyInjection;

namespace DKV.Core.Plugins;

/// <summary>
/// The entry point of a plugin assembly: exactly one public, non-abstract class implementing this, with a public parameterless
/// constructor. The host finds it, checks <see cref="ContractVersion"/>, and calls <see cref="Register"/>.
/// </summary>
/// <remarks>
/// Register each implementation as a keyed service under its short name:
/// engines as <see cref="Storage.IEngineFactory"/> (<c>maple</c>), serializers as <see cref="Serialization.IRpcSerializer"/>
/// (<c>binary</c>, <c>msgpack</c>, <c>memorypack</c>, <c>json</c>), transports as their factory contract (<c>tcp</c>, <c>unix</c>, <c>zmq</c>, <c>quic</c>).
/// </remarks>
public interface IDkvPlugin
{
    /// <summary>A short name for listings and errors, for example <c>DKV.Engines.Maple</c>.</summary>
    string Name { get; }

    /// <summary>The <see cref="PluginContract.Version"/> this plugin was built against.</summary>
    int ContractVersion { get; }

    /// <summary>Adds this plugin's services to <paramref name="services"/>.</summary>
    void Register(IServiceCollection services);
}
