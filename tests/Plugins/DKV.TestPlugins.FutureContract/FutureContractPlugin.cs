using DKV.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.TestPlugins.FutureContract;

/// <summary>Claims contract version <see cref="PluginContract.Version"/> + 1; registering must never be reached.</summary>
public sealed class FutureContractPlugin : IDkvPlugin
{
    public string Name => "DKV.TestPlugins.FutureContract";

    public int ContractVersion => PluginContract.Version + 1;

    public void Register(IServiceCollection services)
    {
        throw new InvalidOperationException("a plugin with an unsupported contract version must not be asked to register");
    }
}
