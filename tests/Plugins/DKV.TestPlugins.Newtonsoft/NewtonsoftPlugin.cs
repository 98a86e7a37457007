using DKV.Core.Plugins;
using DKV.Core.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.TestPlugins.Newtonsoft;

/// <summary>Registers <see cref="NewtonsoftSerializer"/> as the serializer <c>newtonsoft</c>.</summary>
public sealed class NewtonsoftPlugin : IDkvPlugin
{
    public string Name => "DKV.TestPlugins.Newtonsoft";

    public int ContractVersion => PluginContract.Version;

    public void Register(IServiceCollection services)
    {
        services.AddKeyedSingleton<IRpcSerializer>(NewtonsoftSerializer.SerializerName, new NewtonsoftSerializer());
    }
}
