using DKV.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Plugins.Resp;

/// <summary>Registers <see cref="RespServer"/> as the server extension <c>resp</c>; it listens only when <c>resp-endpoint</c> is set.</summary>
public sealed class RespPlugin : IDkvPlugin
{
    public string Name => "DKV.Plugins.Resp";

    public int ContractVersion => PluginContract.Version;

    public void Register(IServiceCollection services)
    {
        services.AddKeyedSingleton<IServerExtension, RespServer>("resp");
    }
}
