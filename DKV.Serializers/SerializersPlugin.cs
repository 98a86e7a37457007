using DKV.Core.Plugins;
using DKV.Core.Serialization;
using DKV.Serializers.Binary;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Serializers;

/// <summary>Registers the built-in serializers under their names.</summary>
public sealed class SerializersPlugin : IDkvPlugin
{
    public string Name => "DKV.Serializers";

    public int ContractVersion => PluginContract.Version;

    public void Register(IServiceCollection services)
    {
        services.AddKeyedSingleton<IRpcSerializer>(BinarySerializer.SerializerName, new BinarySerializer());
    }
}
