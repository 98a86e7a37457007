using DKV.Core.Plugins;
using DKV.Core.Serialization;
using DKV.Serializers.Binary;
using DKV.Serializers.Json;
using DKV.Serializers.MemoryPack;
using DKV.Serializers.MessagePack;
using Microsoft.Extensions.DependencyInjection;

namespace DKV.Serializers;

/// <summary>Registers the built-in serializers under their names: <c>binary</c>, <c>msgpack</c>, <c>memorypack</c>, <c>json</c>.</summary>
public sealed class SerializersPlugin : IDkvPlugin
{
    public string Name => "DKV.Serializers";

    public int ContractVersion => PluginContract.Version;

    public void Register(IServiceCollection services)
    {
        services.AddKeyedSingleton<IRpcSerializer>(BinarySerializer.SerializerName, new BinarySerializer());
        services.AddKeyedSingleton<IRpcSerializer>(MessagePackSerializer.SerializerName, new MessagePackSerializer());
        services.AddKeyedSingleton<IRpcSerializer>(MemoryPackSerializer.SerializerName, new MemoryPackSerializer());
        services.AddKeyedSingleton<IRpcSerializer>(JsonTextSerializer.SerializerName, new JsonTextSerializer());
    }
}
